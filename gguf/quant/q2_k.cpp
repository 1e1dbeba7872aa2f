// Q2_K: super-blocks of 256 = 16 sub-blocks of 16; value = (d * sc) * q - dmin * m, q in 0..3,
// sc and m 4 bits each (scales[j] = sc | m << 4).
#include <algorithm>
#include <cmath>

#include "gguf/quant/formats.h"
#include "gguf/quant/fp16.h"
#include "gguf/quant/k_common.h"

namespace gguf::formats {

void dequantize_row_q2_k(const void* src, float* __restrict dst, int64_t n) {
    const auto* __restrict blocks = static_cast<const BlockQ2_K*>(src);
    for (int64_t b = 0; b < n / kQK_K; ++b) {
        const BlockQ2_K& block = blocks[b];
        const float d = fp16_to_fp32(block.d);
        const float dmin = fp16_to_fp32(block.dmin);
        uint8_t q[kQK_K];
        unpack_2bit_k(block.qs, q);
        for (int j = 0; j < 16; ++j, dst += 16) {
            const float dl = d * static_cast<float>(block.scales[j] & 0xF);
            const float ml = dmin * static_cast<float>(block.scales[j] >> 4);
            for (int l = 0; l < 16; ++l) dst[l] = dl * static_cast<float>(q[16 * j + l]) - ml;
        }
    }
}

void quantize_row_q2_k(const float* src, void* dst, int64_t n) {
    constexpr float kScaleLevels = 15.f;
    constexpr MinSearch kSearch{-0.5f, 0.1f, 15, true};
    auto* blocks = static_cast<BlockQ2_K*>(dst);
    for (int64_t b = 0; b < n / kQK_K; ++b, src += kQK_K) {
        BlockQ2_K& block = blocks[b];
        uint8_t L[kQK_K];
        float scales[16], mins[16], weights[16];
        float max_scale = 0, max_min = 0;
        for (int j = 0; j < 16; ++j) {
            for (int l = 0; l < 16; ++l) weights[l] = std::fabs(src[16 * j + l]);
            scales[j] = min_scale_search(16, 3, src + 16 * j, weights, L + 16 * j, &mins[j], kSearch);
            if (scales[j] > max_scale) max_scale = scales[j];
            if (mins[j] > max_min) max_min = mins[j];
        }
        if (max_scale > 0) {
            const float iscale = kScaleLevels / max_scale;
            for (int j = 0; j < 16; ++j) block.scales[j] = static_cast<uint8_t>(nearest_int(iscale * scales[j]));
            block.d = fp32_to_fp16(max_scale / kScaleLevels);
        } else {
            std::fill(block.scales, block.scales + 16, uint8_t{0});
            block.d = fp32_to_fp16(0.f);
        }
        if (max_min > 0) {
            const float iscale = kScaleLevels / max_min;
            for (int j = 0; j < 16; ++j)
                block.scales[j] = static_cast<uint8_t>(block.scales[j] | (nearest_int(iscale * mins[j]) << 4));
            block.dmin = fp32_to_fp16(max_min / kScaleLevels);
        } else {
            block.dmin = fp32_to_fp16(0.f);
        }
        // Re-round every element against the scales as stored.
        for (int j = 0; j < 16; ++j) {
            const float d = fp16_to_fp32(block.d) * static_cast<float>(block.scales[j] & 0xF);
            if (d == 0.0f) continue;
            const float dm = fp16_to_fp32(block.dmin) * static_cast<float>(block.scales[j] >> 4);
            for (int i = 0; i < 16; ++i)
                L[16 * j + i] = static_cast<uint8_t>(std::clamp(nearest_int((src[16 * j + i] + dm) / d), 0, 3));
        }
        pack_2bit_k(L, block.qs);
    }
}

}  // namespace gguf::formats
