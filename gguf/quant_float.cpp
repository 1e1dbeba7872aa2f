// F32, F16 and BF16 rows: plain conversions (llama.cpp's ggml_fp32_to_fp16_row / _bf16_row_ref).
#include <cstring>

#include "gguf/fp16.h"
#include "gguf/quant_formats.h"

namespace gguf::formats {

void dequantize_row_f32(const void* src, float* dst, int64_t n) { std::memcpy(dst, src, n * sizeof(float)); }
void quantize_row_f32(const float* src, void* dst, int64_t n) { std::memcpy(dst, src, n * sizeof(float)); }

void dequantize_row_f16(const void* src, float* dst, int64_t n) {
    const auto* halves = static_cast<const uint16_t*>(src);
    for (int64_t i = 0; i < n; ++i) dst[i] = fp16_to_fp32(halves[i]);
}

void quantize_row_f16(const float* src, void* dst, int64_t n) {
    auto* halves = static_cast<uint16_t*>(dst);
    for (int64_t i = 0; i < n; ++i) halves[i] = fp32_to_fp16(src[i]);
}

void dequantize_row_bf16(const void* src, float* dst, int64_t n) {
    const auto* halves = static_cast<const uint16_t*>(src);
    for (int64_t i = 0; i < n; ++i) dst[i] = bf16_to_fp32(halves[i]);
}

void quantize_row_bf16(const float* src, void* dst, int64_t n) {
    auto* halves = static_cast<uint16_t*>(dst);
    for (int64_t i = 0; i < n; ++i) halves[i] = fp32_to_bf16(src[i]);
}

}  // namespace gguf::formats
