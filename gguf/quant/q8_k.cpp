// Q8_K: super-blocks of 256 int8 values with a float32 scale and the sums of each 16 values (bsums),
// the activation format of the K-quant dot products; value = d * q.
#include <algorithm>
#include <cmath>
#include <cstring>

#include "gguf/quant/formats.h"
#include "gguf/quant/k_common.h"

namespace gguf::formats {

void dequantize_row_q8_k(const void* src, float* __restrict dst, int64_t n) {
    const auto* __restrict blocks = static_cast<const BlockQ8_K*>(src);
    for (int64_t b = 0; b < n / kQK_K; ++b)
        for (int j = 0; j < kQK_K; ++j) *dst++ = blocks[b].d * static_cast<float>(blocks[b].qs[j]);
}

void quantize_row_q8_k(const float* src, void* dst, int64_t n) {
    auto* blocks = static_cast<BlockQ8_K*>(dst);
    for (int64_t b = 0; b < n / kQK_K; ++b, src += kQK_K) {
        BlockQ8_K& block = blocks[b];
        const float max = signed_absmax(kQK_K, src).max;
        if (max == 0.0f) {
            block.d = 0;
            std::memset(block.qs, 0, sizeof block.qs);
            // llama.cpp leaves bsums untouched here; we zero them so the block is fully defined.
            std::memset(block.bsums, 0, sizeof block.bsums);
            continue;
        }
        const float iscale = -127.f / max;  // -127, not -128: the extreme maps to ±127
        for (int j = 0; j < kQK_K; ++j) block.qs[j] = static_cast<int8_t>(std::min(127, nearest_int(iscale * src[j])));
        for (int j = 0; j < kQK_K / 16; ++j) {
            int sum = 0;
            for (int i = 0; i < 16; ++i) sum += block.qs[16 * j + i];
            block.bsums[j] = static_cast<int16_t>(sum);
        }
        block.d = 1 / iscale;
    }
}

}  // namespace gguf::formats
