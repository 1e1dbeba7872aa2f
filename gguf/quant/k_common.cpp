// llama.cpp's scale searches for the K-quant reference quantizers. Every sum runs in float32 in the
// same order as ggml-quants.c, so the chosen levels and scales are bit-identical with llama.cpp's.
#include "gguf/quant/k_common.h"

#include <algorithm>
#include <cmath>

#include "gguf/quant/fp16.h"

namespace gguf::formats {
namespace {

constexpr float kGroupMaxEps = 1e-15f;

int clamp_level(int l, int lo, int hi) { return std::max(lo, std::min(hi, l)); }

// Quantizes the 8 sub-block scales and mins to 6 bits each, packed as unpack_scale_min_k4 reads them.
void pack_scales_mins_k4(const float* scales, const float* mins, uint8_t* packed, uint16_t* d, uint16_t* dmin) {
    float max_scale = 0;  // scales are positive: the min is subtracted separately
    float max_min = 0;
    for (int j = 0; j < 8; ++j) {
        if (scales[j] > max_scale) max_scale = scales[j];
        if (mins[j] > max_min) max_min = mins[j];
    }
    const float inv_scale = max_scale > 0 ? 63.f / max_scale : 0.f;
    const float inv_min = max_min > 0 ? 63.f / max_min : 0.f;
    for (int j = 0; j < 8; ++j) {
        const auto ls = std::min<uint8_t>(63, static_cast<uint8_t>(nearest_int(inv_scale * scales[j])));
        const auto lm = std::min<uint8_t>(63, static_cast<uint8_t>(nearest_int(inv_min * mins[j])));
        if (j < 4) {
            packed[j] = ls;
            packed[j + 4] = lm;
        } else {
            packed[j + 4] = static_cast<uint8_t>((ls & 0xF) | ((lm & 0xF) << 4));
            packed[j - 4] |= static_cast<uint8_t>((ls >> 4) << 6);
            packed[j] |= static_cast<uint8_t>((lm >> 4) << 6);
        }
    }
    *d = fp32_to_fp16(max_scale / 63.f);
    *dmin = fp32_to_fp16(max_min / 63.f);
}

}  // namespace

SignedMax signed_absmax(int n, const float* x) {
    SignedMax r{0.0f, 0.0f};
    for (int i = 0; i < n; ++i) {
        const float ax = std::fabs(x[i]);
        if (ax > r.amax) r = {x[i], ax};
    }
    return r;
}

float symmetric_scale_search(int n, int nmax, const float* x, int8_t* L) {
    const SignedMax extreme = signed_absmax(n, x);
    if (extreme.amax < kGroupMaxEps) {
        std::fill(L, L + n, int8_t{0});
        return 0.0f;
    }
    // Weighted least squares with weights x^2, over iscale = -(nmax + 0.1 k) / max for k = 0, ±1 .. ±9.
    auto fit = [&](float iscale, float& sumlx, float& suml2) {
        sumlx = suml2 = 0.0f;
        for (int i = 0; i < n; ++i) {
            const int l = clamp_level(nearest_int(iscale * x[i]), -nmax, nmax - 1);
            const float w = x[i] * x[i];
            sumlx += w * x[i] * static_cast<float>(l);
            suml2 += w * static_cast<float>(l) * static_cast<float>(l);
        }
    };
    auto assign = [&](float iscale) {
        for (int i = 0; i < n; ++i)
            L[i] = static_cast<int8_t>(nmax + clamp_level(nearest_int(iscale * x[i]), -nmax, nmax - 1));
    };
    float sumlx, suml2;
    float iscale = static_cast<float>(-nmax) / extreme.max;
    fit(iscale, sumlx, suml2);
    assign(iscale);
    float scale = suml2 != 0.0f ? sumlx / suml2 : 0.0f;
    float best = scale * sumlx;
    for (int k = -9; k <= 9; ++k) {
        if (k == 0) continue;
        iscale = -(static_cast<float>(nmax) + 0.1f * static_cast<float>(k)) / extreme.max;
        fit(iscale, sumlx, suml2);
        if (suml2 > 0 && sumlx * sumlx > best * suml2) {
            assign(iscale);
            scale = sumlx / suml2;
            best = scale * sumlx;
        }
    }
    return scale;
}

float q3_scale_search(int n, int nmax, const float* x, int8_t* L) {
    const SignedMax extreme = signed_absmax(n, x);
    if (extreme.amax < kGroupMaxEps) {
        std::fill(L, L + n, int8_t{0});
        return 0.0f;
    }
    const float iscale = static_cast<float>(-nmax) / extreme.max;
    float sumlx = 0.0f;
    float suml2 = 0.0f;
    for (int i = 0; i < n; ++i) {
        const int l = clamp_level(nearest_int(iscale * x[i]), -nmax, nmax - 1);
        L[i] = static_cast<int8_t>(l);
        const float w = x[i] * x[i];
        sumlx += w * x[i] * static_cast<float>(l);
        suml2 += w * static_cast<float>(l) * static_cast<float>(l);
    }
    // Coordinate descent: move one level at a time while the weighted fit improves (at most 5 sweeps).
    for (int sweep = 0; sweep < 5; ++sweep) {
        int n_changed = 0;
        for (int i = 0; i < n; ++i) {
            const float w = x[i] * x[i];
            float slx = sumlx - w * x[i] * static_cast<float>(L[i]);
            if (!(slx > 0)) continue;
            float sl2 = suml2 - w * static_cast<float>(L[i]) * static_cast<float>(L[i]);
            const int new_l = clamp_level(nearest_int(x[i] * sl2 / slx), -nmax, nmax - 1);
            if (new_l == L[i]) continue;
            slx += w * x[i] * static_cast<float>(new_l);
            sl2 += w * static_cast<float>(new_l) * static_cast<float>(new_l);
            if (sl2 > 0 && slx * slx * suml2 > sumlx * sumlx * sl2) {
                L[i] = static_cast<int8_t>(new_l);
                sumlx = slx;
                suml2 = sl2;
                ++n_changed;
            }
        }
        if (n_changed == 0) break;
    }
    for (int i = 0; i < n; ++i) L[i] = static_cast<int8_t>(L[i] + nmax);
    return suml2 > 0.0f ? sumlx / suml2 : 0.0f;
}

float min_scale_search(int n, int nmax, const float* x, const float* weights, uint8_t* L, float* the_min,
                       const MinSearch& search) {
    float min = x[0];
    float max = x[0];
    float sum_w = weights[0];
    float sum_x = sum_w * x[0];
    for (int i = 1; i < n; ++i) {
        if (x[i] < min) min = x[i];
        if (x[i] > max) max = x[i];
        sum_w += weights[i];
        sum_x += weights[i] * x[i];
    }
    if (min > 0) min = 0;
    if (max == min) {
        std::fill(L, L + n, uint8_t{0});
        *the_min = -min;
        return 0.0f;
    }
    auto error_of = [&](float scale, float offset, const uint8_t* levels) {
        float error = 0.0f;
        for (int i = 0; i < n; ++i) {
            float diff = scale * static_cast<float>(levels[i]) + offset - x[i];
            diff = search.use_mad ? std::fabs(diff) : diff * diff;
            error += weights[i] * diff;
        }
        return error;
    };
    float iscale = static_cast<float>(nmax) / (max - min);
    float scale = 1 / iscale;
    for (int i = 0; i < n; ++i)
        L[i] = static_cast<uint8_t>(clamp_level(nearest_int(iscale * (x[i] - min)), 0, nmax));
    float best_error = error_of(scale, min, L);
    // Try nstep + 1 grids; for each, the weighted least-squares scale and offset of its levels.
    uint8_t Laux[32];
    for (int step = 0; step <= search.nstep; ++step) {
        iscale = (search.rmin + search.rdelta * static_cast<float>(step) + static_cast<float>(nmax)) / (max - min);
        float sum_l = 0, sum_l2 = 0, sum_xl = 0;
        for (int i = 0; i < n; ++i) {
            const int l = clamp_level(nearest_int(iscale * (x[i] - min)), 0, nmax);
            Laux[i] = static_cast<uint8_t>(l);
            const float w = weights[i];
            sum_l += w * static_cast<float>(l);
            sum_l2 += w * static_cast<float>(l) * static_cast<float>(l);
            sum_xl += w * static_cast<float>(l) * x[i];
        }
        const float D = sum_w * sum_l2 - sum_l * sum_l;
        if (!(D > 0)) continue;
        float this_scale = (sum_w * sum_xl - sum_x * sum_l) / D;
        float this_min = (sum_l2 * sum_x - sum_l * sum_xl) / D;
        if (this_min > 0) {
            this_min = 0;
            this_scale = sum_xl / sum_l2;
        }
        const float error = error_of(this_scale, this_min, Laux);
        if (error < best_error) {
            std::copy(Laux, Laux + n, L);
            best_error = error;
            scale = this_scale;
            min = this_min;
        }
    }
    *the_min = -min;
    return scale;
}

void quantize_levels_k4(const float* x, int nmax, const MinSearch& search, uint8_t* L, uint8_t* packed_scales,
                        uint16_t* d, uint16_t* dmin) {
    float scales[8], mins[8], weights[32];
    for (int j = 0; j < 8; ++j) {
        const float* sub = x + 32 * j;
        float sum_x2 = 0;
        for (int l = 0; l < 32; ++l) sum_x2 += sub[l] * sub[l];
        const float av_x = std::sqrt(sum_x2 / 32);
        for (int l = 0; l < 32; ++l) weights[l] = av_x + std::fabs(sub[l]);
        scales[j] = min_scale_search(32, nmax, sub, weights, L + 32 * j, &mins[j], search);
    }
    pack_scales_mins_k4(scales, mins, packed_scales, d, dmin);
    // Re-round every element against the scales as stored.
    for (int j = 0; j < 8; ++j) {
        uint8_t sc, m;
        unpack_scale_min_k4(j, packed_scales, sc, m);
        const float scale = fp16_to_fp32(*d) * static_cast<float>(sc);
        if (scale == 0.0f) continue;
        const float offset = fp16_to_fp32(*dmin) * static_cast<float>(m);
        for (int i = 0; i < 32; ++i)
            L[32 * j + i] = static_cast<uint8_t>(std::clamp(nearest_int((x[32 * j + i] + offset) / scale), 0, nmax));
    }
}

void pack_2bit_k(const uint8_t* L, uint8_t* qs) {
    for (int half = 0; half < kQK_K; half += 128, qs += 32) {
        for (int l = 0; l < 32; ++l) {
            qs[l] = static_cast<uint8_t>(L[half + l] | (L[half + l + 32] << 2) | (L[half + l + 64] << 4) |
                                         (L[half + l + 96] << 6));
        }
    }
}

}  // namespace gguf::formats
