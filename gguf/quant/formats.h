// The per-format row functions behind the type table of ggml_type.cpp (internal to gguf/).
// Each takes n elements, a whole number of blocks, and matches llama.cpp's function of the same name.
#pragma once

#include <cstdint>

namespace gguf::formats {

#define SPARSE_LLM_QUANT_FORMAT(name)                                        \
    void dequantize_row_##name(const void* src, float* dst, int64_t n); \
    void quantize_row_##name(const float* src, void* dst, int64_t n)

SPARSE_LLM_QUANT_FORMAT(f32);
SPARSE_LLM_QUANT_FORMAT(f16);
SPARSE_LLM_QUANT_FORMAT(bf16);
SPARSE_LLM_QUANT_FORMAT(q4_0);
SPARSE_LLM_QUANT_FORMAT(q4_1);
SPARSE_LLM_QUANT_FORMAT(q5_0);
SPARSE_LLM_QUANT_FORMAT(q5_1);
SPARSE_LLM_QUANT_FORMAT(q8_0);
SPARSE_LLM_QUANT_FORMAT(q2_k);
SPARSE_LLM_QUANT_FORMAT(q3_k);
SPARSE_LLM_QUANT_FORMAT(q4_k);
SPARSE_LLM_QUANT_FORMAT(q5_k);
SPARSE_LLM_QUANT_FORMAT(q6_k);
SPARSE_LLM_QUANT_FORMAT(q8_k);

#undef SPARSE_LLM_QUANT_FORMAT

}  // namespace gguf::formats
