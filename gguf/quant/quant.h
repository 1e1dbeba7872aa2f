// Quant formats: dequantize and reference-quantize rows of every type we support, through the type table of
// ggml_type.h (as ggml's type_traits: adding a format means adding its functions to one entry of ggml_type.cpp).
//
// Dequantizers are bit-exact with llama.cpp's reference dequantize_row_* (same float32 operation
// order; gguf/ is built with -ffp-contract=off so no multiply-add is fused). Quantizers follow
// llama.cpp's quantize_row_*_ref (round to nearest, no importance matrix), so our files load in
// llama.cpp and match what its `quantize` writes without an imatrix.
#pragma once

#include <cstdint>

#include "gguf/quant/ggml_type.h"

namespace gguf {

// The traits of a type we can dequantize and quantize, or nullptr.
const GgmlTypeTraits* quant_traits(GgmlType type);

// Checked entry points: throw gguf::QuantError when the type is unsupported or n is not a whole number of blocks.
void dequantize_row(GgmlType type, const void* src, float* dst, int64_t n);
void quantize_row(GgmlType type, const float* src, void* dst, int64_t n);

}  // namespace gguf
