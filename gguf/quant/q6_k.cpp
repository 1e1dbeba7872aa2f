// Q6_K: super-blocks of 256 = 16 sub-blocks of 16; value = (d * sc) * (q - 32), q in 0..63, sc int8.
// In each 128-element half (ql + 64 h, qh + 32 h, scales + 8 h), for l < 32 the elements l, l + 32,
// l + 64, l + 96 take their low nibbles from ql[l], ql[l + 32], ql[l] >> 4, ql[l + 32] >> 4 and their
// high two bits from qh[l] bits 0-1, 2-3, 4-5, 6-7.
#include <algorithm>
#include <cmath>
#include <cstring>

#include "gguf/quant/formats.h"
#include "gguf/quant/fp16.h"
#include "gguf/quant/k_common.h"

namespace gguf::formats {

void dequantize_row_q6_k(const void* src, float* __restrict dst, int64_t n) {
    const auto* __restrict blocks = static_cast<const BlockQ6_K*>(src);
    for (int64_t b = 0; b < n / kQK_K; ++b) {
        const BlockQ6_K& block = blocks[b];
        int8_t q[kQK_K];
        for (int half = 0; half < 2; ++half) {
            const uint8_t* ql = block.ql + 64 * half;
            const uint8_t* qh = block.qh + 32 * half;
            int8_t* out = q + 128 * half;
            for (int l = 0; l < 32; ++l) out[l] = static_cast<int8_t>(((ql[l] & 0xF) | ((qh[l] & 3) << 4)) - 32);
            for (int l = 0; l < 32; ++l)
                out[l + 32] = static_cast<int8_t>(((ql[l + 32] & 0xF) | (((qh[l] >> 2) & 3) << 4)) - 32);
            for (int l = 0; l < 32; ++l)
                out[l + 64] = static_cast<int8_t>(((ql[l] >> 4) | (((qh[l] >> 4) & 3) << 4)) - 32);
            for (int l = 0; l < 32; ++l)
                out[l + 96] = static_cast<int8_t>(((ql[l + 32] >> 4) | (((qh[l] >> 6) & 3) << 4)) - 32);
        }
        const float d = fp16_to_fp32(block.d);
        // Sub-block j covers elements 16 j ..; its scale is scales[j]. (d * sc) * q as ggml computes it.
        for (int j = 0; j < 16; ++j, dst += 16) {
            const float scale = d * static_cast<float>(block.scales[j]);
            for (int l = 0; l < 16; ++l) dst[l] = scale * static_cast<float>(q[16 * j + l]);
        }
    }
}

void quantize_row_q6_k(const float* src, void* dst, int64_t n) {
    auto* blocks = static_cast<BlockQ6_K*>(dst);
    for (int64_t b = 0; b < n / kQK_K; ++b, src += kQK_K) {
        BlockQ6_K& block = blocks[b];
        int8_t L[kQK_K];
        float scales[16];
        for (int j = 0; j < 16; ++j) scales[j] = symmetric_scale_search(16, 32, src + 16 * j, L + 16 * j);
        const float max_scale = signed_absmax(16, scales).max;
        if (std::fabs(max_scale) < 1e-15f) {  // an all-zero super-block
            std::memset(&block, 0, sizeof block);
            continue;
        }
        const float iscale = -128.f / max_scale;
        block.d = fp32_to_fp16(1 / iscale);
        for (int j = 0; j < 16; ++j)
            block.scales[j] = static_cast<int8_t>(std::min(127, nearest_int(iscale * scales[j])));
        // Re-round every element against the scales as stored.
        for (int j = 0; j < 16; ++j) {
            const float d = fp16_to_fp32(block.d) * static_cast<float>(block.scales[j]);
            if (d == 0.0f) continue;
            for (int i = 0; i < 16; ++i)
                L[16 * j + i] = static_cast<int8_t>(std::clamp(nearest_int(src[16 * j + i] / d), -32, 31) + 32);
        }
        for (int half = 0; half < 2; ++half) {
            const int8_t* Lh = L + 128 * half;
            uint8_t* ql = block.ql + 64 * half;
            uint8_t* qh = block.qh + 32 * half;
            for (int l = 0; l < 32; ++l) {
                ql[l] = static_cast<uint8_t>((Lh[l] & 0xF) | ((Lh[l + 64] & 0xF) << 4));
                ql[l + 32] = static_cast<uint8_t>((Lh[l + 32] & 0xF) | ((Lh[l + 96] & 0xF) << 4));
                qh[l] = static_cast<uint8_t>((Lh[l] >> 4) | ((Lh[l + 32] >> 4) << 2) | ((Lh[l + 64] >> 4) << 4) |
                                             ((Lh[l + 96] >> 4) << 6));
            }
        }
    }
}

}  // namespace gguf::formats
