// The per-type kernels behind Matmul, for the engine and for tests that compare instruction sets.
//
// A kernel computes, for rows [row_begin, row_end) of W and every token t of the activations,
//     y[t * y_stride + r] = sum_c W[r][c] * x[t][c]
// Each output is computed by the same arithmetic whatever the row range and token count, so callers may
// split rows freely (threads) without changing a bit.
#pragma once

#include <cstddef>
#include <cstdint>

#include "gguf/quant/ggml_type.h"
#include "kernels/common/isa.h"
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

// One entry of the kernel table (gemm_kernels.cpp) per weight type we multiply; the block geometry is gguf's
// (gguf::ggml_type_info). Adding a type means its entry there and in gguf's table, and its kernels.
struct GemmKernels {
    gguf::GgmlType type;
    ActivationType activation;  // the form x must be in
    PerIsa<GemmRowsFn> rows;    // per instruction set (isa.h): nullptr where the set has none
};

// nullptr for a type we have no kernel for.
const GemmKernels* gemm_kernels(gguf::GgmlType type);

// Every instruction set's kernels, named after the weight type, in namespace kernels::<isa> (a set defines
// those it has, in kernels/matmul/<isa>/).
#define SPARSE_LLM_GEMM_KERNEL(type) void gemm_##type(const GemmTask& task, int64_t row_begin, int64_t row_end);
#define SPARSE_LLM_GEMM_Q32_KERNELS                                                                          \
    SPARSE_LLM_GEMM_KERNEL(q4_0) SPARSE_LLM_GEMM_KERNEL(q4_1) SPARSE_LLM_GEMM_KERNEL(q5_0)                   \
    SPARSE_LLM_GEMM_KERNEL(q5_1) SPARSE_LLM_GEMM_KERNEL(q8_0)
#define SPARSE_LLM_GEMM_QUANTIZED_KERNELS                                                                    \
    SPARSE_LLM_GEMM_Q32_KERNELS SPARSE_LLM_GEMM_KERNEL(q2_k) SPARSE_LLM_GEMM_KERNEL(q3_k)                    \
    SPARSE_LLM_GEMM_KERNEL(q4_k) SPARSE_LLM_GEMM_KERNEL(q5_k) SPARSE_LLM_GEMM_KERNEL(q6_k)
#define SPARSE_LLM_GEMM_KERNELS                                                                              \
    SPARSE_LLM_GEMM_KERNEL(f32) SPARSE_LLM_GEMM_KERNEL(f16) SPARSE_LLM_GEMM_KERNEL(bf16) SPARSE_LLM_GEMM_QUANTIZED_KERNELS
namespace scalar {
SPARSE_LLM_GEMM_KERNELS
}
namespace avx2 {
SPARSE_LLM_GEMM_KERNELS
}
namespace neon {
SPARSE_LLM_GEMM_KERNELS
}
namespace dotprod {  // the quantized types, whose inner loop is an int8 dot product; the float types run neon's
SPARSE_LLM_GEMM_QUANTIZED_KERNELS
}
namespace avx_vnni {  // the 32-element formats, whose inner loop is vpdpbusd; the other types run avx2's
SPARSE_LLM_GEMM_Q32_KERNELS
}
namespace avx512 {  // as avx_vnni, with AVX-512 VNNI's vpdpbusd (on 256-bit registers)
SPARSE_LLM_GEMM_Q32_KERNELS
}
#undef SPARSE_LLM_GEMM_KERNELS
#undef SPARSE_LLM_GEMM_QUANTIZED_KERNELS
#undef SPARSE_LLM_GEMM_Q32_KERNELS
#undef SPARSE_LLM_GEMM_KERNEL

}  // namespace kernels
