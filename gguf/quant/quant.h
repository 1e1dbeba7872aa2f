// Quant formats: dequantize and reference-quantize rows of every type we support, through one
// type-traits table (as ggml's type_traits: adding a format means adding one entry in quant.cpp).
//
// Dequantizers are bit-exact with llama.cpp's reference dequantize_row_* (same float32 operation
// order; gguf/ is built with -ffp-contract=off so no multiply-add is fused). Quantizers follow
// llama.cpp's quantize_row_*_ref (round to nearest, no importance matrix), so our files load in
// llama.cpp and match what its `quantize` writes without an imatrix.
#pragma once

#include <cstdint>

#include "gguf/quant/ggml_type.h"

namespace gguf {

struct QuantTraits {
    GgmlType type;
    // n is a whole number of blocks (ggml_type_info(type).block_elems); no checks, for hot loops.
    void (*dequantize_row)(const void* src, float* dst, int64_t n);
    void (*quantize_row)(const float* src, void* dst, int64_t n);
};

// The traits of a type we can dequantize and quantize, or nullptr.
const QuantTraits* quant_traits(GgmlType type);

// Checked entry points: throw gguf::QuantError when the type is unsupported or n is not a whole number of blocks.
void dequantize_row(GgmlType type, const void* src, float* dst, int64_t n);
void quantize_row(GgmlType type, const float* src, void* dst, int64_t n);

}  // namespace gguf
