// Q3_K: super-blocks of 256 = 16 sub-blocks of 16; value = (d * (sc - 32)) * (q - 4), q in 0..7 with its
// low two bits in qs (as Q2_K) and its high bit in hmask (bit k of hmask[l] for element 32 k + l), sc a
// 6-bit scale: low nibble in scales[j] (j < 8) or scales[j - 8] >> 4, high two bits in scales[8 + j % 4].
#include <algorithm>
#include <cmath>
#include <cstring>

#include "gguf/quant/formats.h"
#include "gguf/quant/fp16.h"
#include "gguf/quant/k_common.h"

namespace gguf::formats {
namespace {

int q3_k_scale(const uint8_t* scales, int j) {
    const int low = j < 8 ? scales[j] & 0xF : scales[j - 8] >> 4;
    const int high = (scales[8 + j % 4] >> (2 * (j / 4))) & 3;
    return (low | (high << 4)) - 32;
}

}  // namespace

void dequantize_row_q3_k(const void* src, float* __restrict dst, int64_t n) {
    const auto* __restrict blocks = static_cast<const BlockQ3_K*>(src);
    for (int64_t b = 0; b < n / kQK_K; ++b) {
        const BlockQ3_K& block = blocks[b];
        const float d_all = fp16_to_fp32(block.d);
        uint8_t low[kQK_K];
        unpack_2bit_k(block.qs, low);
        int8_t q[kQK_K];
        // The high bit of element 32 k + l is bit k of hmask[l]; without it the level is 4 lower.
        for (int k = 0; k < 8; ++k)
            for (int l = 0; l < 32; ++l)
                q[32 * k + l] = static_cast<int8_t>(low[32 * k + l] - 4 + 4 * ((block.hmask[l] >> k) & 1));
        for (int j = 0; j < 16; ++j, dst += 16) {
            const float dl = d_all * static_cast<float>(q3_k_scale(block.scales, j));
            for (int l = 0; l < 16; ++l) dst[l] = dl * static_cast<float>(q[16 * j + l]);
        }
    }
}

void quantize_row_q3_k(const float* src, void* dst, int64_t n) {
    auto* blocks = static_cast<BlockQ3_K*>(dst);
    for (int64_t b = 0; b < n / kQK_K; ++b, src += kQK_K) {
        BlockQ3_K& block = blocks[b];
        int8_t L[kQK_K];
        float scales[16];
        for (int j = 0; j < 16; ++j) scales[j] = q3_scale_search(16, 4, src + 16 * j, L + 16 * j);
        const float max_scale = signed_absmax(16, scales).max;
        std::memset(block.scales, 0, sizeof block.scales);
        if (max_scale != 0.0f) {
            const float iscale = -32.f / max_scale;
            for (int j = 0; j < 16; ++j) {
                const auto rounded = static_cast<int8_t>(nearest_int(iscale * scales[j]));
                const int l = std::clamp(static_cast<int>(rounded), -32, 31) + 32;
                if (j < 8)
                    block.scales[j] = static_cast<uint8_t>(l & 0xF);
                else
                    block.scales[j - 8] = static_cast<uint8_t>(block.scales[j - 8] | ((l & 0xF) << 4));
                block.scales[8 + j % 4] = static_cast<uint8_t>(block.scales[8 + j % 4] | ((l >> 4) << (2 * (j / 4))));
            }
            block.d = fp32_to_fp16(1 / iscale);
        } else {
            block.d = fp32_to_fp16(0.f);
        }
        // Re-round every element against the scales as stored.
        for (int j = 0; j < 16; ++j) {
            const float d = fp16_to_fp32(block.d) * static_cast<float>(q3_k_scale(block.scales, j));
            if (d == 0.0f) continue;
            for (int i = 0; i < 16; ++i)
                L[16 * j + i] = static_cast<int8_t>(std::clamp(nearest_int(src[16 * j + i] / d), -4, 3) + 4);
        }
        std::memset(block.hmask, 0, sizeof block.hmask);
        uint8_t low[kQK_K];
        for (int j = 0; j < kQK_K; ++j) {
            if (L[j] > 3) block.hmask[j % 32] = static_cast<uint8_t>(block.hmask[j % 32] | (1 << (j / 32)));
            low[j] = static_cast<uint8_t>(L[j] > 3 ? L[j] - 4 : L[j]);
        }
        pack_2bit_k(low, block.qs);
    }
}

}  // namespace gguf::formats
