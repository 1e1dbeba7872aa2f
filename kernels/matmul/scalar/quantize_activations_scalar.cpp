// Plain C++ activation quantizers, value for value llama.cpp's quantize_row_q8_0_ref and quantize_row_q8_K_ref.
#include <algorithm>
#include <cmath>
#include <cstring>

#include "kernels/matmul/q8_scales.h"
#include "kernels/matmul/quantized_activations.h"

namespace kernels::scalar {
namespace {

// round(v) as an int, where a plain cast would be undefined: 0 for NaN, clamped to the int8 range for
// infinities. Finite values of a quantized row are within it already: they round as llama.cpp's do.
template <typename Round>
int rounded(float v, Round round) {
    if (std::isnan(v)) return 0;
    return static_cast<int>(std::clamp(round(v), -128.0f, 127.0f));
}

}  // namespace

void quantize_row_q8_0(const float* x, int8_t* qs, float* d, int16_t* bsums, int64_t n) {
    for (int64_t b = 0; b < n / kQ8_0Block; ++b, x += kQ8_0Block, qs += kQ8_0Block) {
        float amax = 0.0f;
        for (int j = 0; j < kQ8_0Block; ++j) amax = std::max(amax, std::fabs(x[j]));
        d[b] = q8_0_scale(amax);
        const float inverse = q8_0_inverse_scale(amax);
        int sum = 0;
        for (int j = 0; j < kQ8_0Block; ++j) {
            qs[j] = static_cast<int8_t>(rounded(x[j] * inverse, [](float v) { return std::roundf(v); }));
            sum += qs[j];
        }
        bsums[b] = static_cast<int16_t>(sum);
    }
}

void quantize_row_q8_K(const float* x, int8_t* qs, float* d, int16_t* bsums, int64_t n) {
    for (int64_t b = 0; b < n / kQ8_KBlock; ++b, x += kQ8_KBlock, qs += kQ8_KBlock) {
        float amax = 0.0f, max = 0.0f;
        for (int j = 0; j < kQ8_KBlock; ++j) {
            if (std::fabs(x[j]) > amax) {
                amax = std::fabs(x[j]);
                max = x[j];
            }
        }
        int16_t* block_sums = bsums + b * (kQ8_KBlock / kQ8_KGroup);
        if (amax == 0.0f) {
            d[b] = 0.0f;
            std::memset(qs, 0, kQ8_KBlock);
            std::memset(block_sums, 0, sizeof(int16_t) * (kQ8_KBlock / kQ8_KGroup));
            continue;
        }
        const float iscale = -127.0f / max;
        for (int j = 0; j < kQ8_KBlock; ++j)
            qs[j] = static_cast<int8_t>(std::min(127, rounded(iscale * x[j], [](float v) { return std::nearbyint(v); })));
        for (int g = 0; g < kQ8_KBlock / kQ8_KGroup; ++g) {
            int sum = 0;
            for (int j = 0; j < kQ8_KGroup; ++j) sum += qs[g * kQ8_KGroup + j];
            block_sums[g] = static_cast<int16_t>(sum);
        }
        d[b] = 1.0f / iscale;
    }
}

}  // namespace kernels::scalar
