// Q4_K: super-blocks of 256 = 8 sub-blocks of 32; value = (d * sc) * q - dmin * m, q in 0..15,
// sc and m 6 bits each (quant_k_common.h). Bytes qs[32 g + l] hold elements 64 g + l (low nibble)
// and 64 g + 32 + l (high nibble).
#include "gguf/quant/formats.h"
#include "gguf/quant/fp16.h"
#include "gguf/quant/k_common.h"

namespace gguf::formats {

void dequantize_row_q4_k(const void* src, float* __restrict dst, int64_t n) {
    const auto* __restrict blocks = static_cast<const BlockQ4_K*>(src);
    for (int64_t b = 0; b < n / kQK_K; ++b) {
        const BlockQ4_K& block = blocks[b];
        float scale[8], min[8];
        sub_block_scales_k4(fp16_to_fp32(block.d), fp16_to_fp32(block.dmin), block.scales, scale, min);
        const uint8_t* q = block.qs;
        for (int is = 0; is < 8; is += 2, q += 32) {
            for (int l = 0; l < 32; ++l) *dst++ = scale[is] * static_cast<float>(q[l] & 0xF) - min[is];
            for (int l = 0; l < 32; ++l) *dst++ = scale[is + 1] * static_cast<float>(q[l] >> 4) - min[is + 1];
        }
    }
}

void quantize_row_q4_k(const float* src, void* dst, int64_t n) {
    constexpr MinSearch kSearch{-1.f, 0.1f, 20, false};
    auto* blocks = static_cast<BlockQ4_K*>(dst);
    for (int64_t b = 0; b < n / kQK_K; ++b, src += kQK_K) {
        BlockQ4_K& block = blocks[b];
        uint8_t L[kQK_K];
        quantize_levels_k4(src, 15, kSearch, L, block.scales, &block.d, &block.dmin);
        for (int g = 0; g < 4; ++g)
            for (int l = 0; l < 32; ++l)
                block.qs[32 * g + l] = static_cast<uint8_t>(L[64 * g + l] | (L[64 * g + 32 + l] << 4));
    }
}

}  // namespace gguf::formats
