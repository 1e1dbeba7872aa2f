// F32, F16 and BF16 rows: plain conversions (llama.cpp's ggml_fp32_to_fp16_row / _bf16_row_ref).
#include <cstring>

#include "gguf/quant/formats.h"
#include "gguf/quant/fp16.h"

namespace gguf::formats {
namespace {

// fp16_to_fp32 without branches, so that loops of it vectorize (the method of Maratyszcza's FP16 library):
// normal halves are rebiased by a float multiply, subnormals come out of a magic-number subtraction. Exact
// for every half but signalling NaNs, which come back quiet.
inline float half_to_float(uint16_t h) {
    const uint32_t w = static_cast<uint32_t>(h) << 16;
    const uint32_t sign = w & 0x80000000u;
    const uint32_t two_w = w + w;  // the exponent and mantissa, sign shifted out
    const float normal = bits_float((two_w >> 4) + (0xE0u << 23)) * 0x1p-112f;
    const float subnormal = bits_float((two_w >> 17) | (126u << 23)) - 0.5f;
    const uint32_t is_subnormal = 0u - static_cast<uint32_t>(two_w < (1u << 27));  // all ones or zero
    return bits_float(sign | (float_bits(subnormal) & is_subnormal) | (float_bits(normal) & ~is_subnormal));
}

}  // namespace

void dequantize_row_f32(const void* src, float* __restrict dst, int64_t n) { std::memcpy(dst, src, n * sizeof(float)); }
void quantize_row_f32(const float* src, void* dst, int64_t n) { std::memcpy(dst, src, n * sizeof(float)); }

void dequantize_row_f16(const void* src, float* __restrict dst, int64_t n) {
    const auto* __restrict halves = static_cast<const uint16_t*>(src);
    for (int64_t i = 0; i < n; ++i) dst[i] = half_to_float(halves[i]);
}

void quantize_row_f16(const float* src, void* dst, int64_t n) {
    auto* halves = static_cast<uint16_t*>(dst);
    for (int64_t i = 0; i < n; ++i) halves[i] = fp32_to_fp16(src[i]);
}

void dequantize_row_bf16(const void* src, float* __restrict dst, int64_t n) {
    const auto* __restrict halves = static_cast<const uint16_t*>(src);
    for (int64_t i = 0; i < n; ++i) dst[i] = bf16_to_fp32(halves[i]);
}

void quantize_row_bf16(const float* src, void* dst, int64_t n) {
    auto* halves = static_cast<uint16_t*>(dst);
    for (int64_t i = 0; i < n; ++i) halves[i] = fp32_to_bf16(src[i]);
}

}  // namespace gguf::formats
