// Q5_K: Q4_K with a fifth bit per element: value = (d * sc) * (q + 16 h) - dmin * m, where h, the high bit of
// element 64 g + l (low nibble of qs[32 g + l]) is bit 2 g of qh[l], and of element 64 g + 32 + l bit 2 g + 1.
#include <cstring>

#include "gguf/quant/formats.h"
#include "gguf/quant/fp16.h"
#include "gguf/quant/k_common.h"

namespace gguf::formats {

void dequantize_row_q5_k(const void* src, float* __restrict dst, int64_t n) {
    const auto* __restrict blocks = static_cast<const BlockQ5_K*>(src);
    for (int64_t b = 0; b < n / kQK_K; ++b) {
        const BlockQ5_K& block = blocks[b];
        float scale[8], min[8];
        sub_block_scales_k4(fp16_to_fp32(block.d), fp16_to_fp32(block.dmin), block.scales, scale, min);
        const uint8_t* ql = block.qs;
        for (int is = 0; is < 8; is += 2, ql += 32) {
            const int bit1 = 1 << is, bit2 = 2 << is;
            for (int l = 0; l < 32; ++l) {
                const int q = (ql[l] & 0xF) + ((block.qh[l] & bit1) ? 16 : 0);
                *dst++ = scale[is] * static_cast<float>(q) - min[is];
            }
            for (int l = 0; l < 32; ++l) {
                const int q = (ql[l] >> 4) + ((block.qh[l] & bit2) ? 16 : 0);
                *dst++ = scale[is + 1] * static_cast<float>(q) - min[is + 1];
            }
        }
    }
}

void quantize_row_q5_k(const float* src, void* dst, int64_t n) {
    constexpr MinSearch kSearch{-0.5f, 0.1f, 15, false};
    auto* blocks = static_cast<BlockQ5_K*>(dst);
    for (int64_t b = 0; b < n / kQK_K; ++b, src += kQK_K) {
        BlockQ5_K& block = blocks[b];
        uint8_t L[kQK_K];
        quantize_levels_k4(src, 31, kSearch, L, block.scales, &block.d, &block.dmin);
        std::memset(block.qh, 0, sizeof block.qh);
        for (int g = 0; g < 4; ++g) {
            for (int l = 0; l < 32; ++l) {
                const int lo = L[64 * g + l], hi = L[64 * g + 32 + l];
                block.qs[32 * g + l] = static_cast<uint8_t>((lo & 0xF) | ((hi & 0xF) << 4));
                block.qh[l] = static_cast<uint8_t>(block.qh[l] | ((lo >> 4) << (2 * g)) | ((hi >> 4) << (2 * g + 1)));
            }
        }
    }
}

}  // namespace gguf::formats
