// The per-type kernels behind Matmul, for the engine and for tests that compare ISA paths.
//
// A kernel computes, for rows [row_begin, row_end) of W and every token t of the activations,
//     y[t * y_stride + r] = sum_c W[r][c] * x[t][c]
// Each output is computed by the same arithmetic whatever the row range and token count, so callers may
// split rows freely (threads) without changing a bit.
#pragma once

#include <cstddef>
#include <cstdint>

#include "gguf/quant/ggml_type.h"
#include "kernels/matmul/quantized_activations.h"

namespace kernels {

struct GemmTask {
    const uint8_t* w;     // row r at w + r * row_bytes
    size_t row_bytes;
    const ActivationView* x;
    float* y;
    int64_t y_stride;
};

using GemmRowsFn = void (*)(const GemmTask& task, int64_t row_begin, int64_t row_end);

struct GemmKernels {
    gguf::GgmlType type;
    ActivationType activation;  // the form x must be in
    int block_elems;            // a row is a whole number of blocks
    int block_bytes;
    GemmRowsFn scalar;          // plain C++, in every build
    GemmRowsFn simd;            // the fastest this build has (AVX2 / NEON); the scalar one where there is none
    const char* simd_name;      // "avx2", "neon" or "scalar"
};

// nullptr for a type we have no kernel for.
const GemmKernels* gemm_kernels(gguf::GgmlType type);

// Per ISA: the kernel for a type, or nullptr (the type has none there, or the ISA is not in this build).
GemmRowsFn gemm_rows_scalar(gguf::GgmlType type);
GemmRowsFn gemm_rows_avx2(gguf::GgmlType type);

}  // namespace kernels
