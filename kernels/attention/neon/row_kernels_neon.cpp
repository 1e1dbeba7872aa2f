// NEON (aarch64) attention row kernels: the same structure as the AVX2 ones, four lanes wide. fp16 rows are
// widened with the base-ARMv8 conversion instructions (Cortex-A53 has them).
#include "kernels/attention/row_kernels.h"

#if SPARSE_LLM_BUILD_NEON

#include <arm_neon.h>

#include <cmath>

#include "gguf/quant/fp16.h"

namespace kernels::neon {
namespace {

inline float32x4_t load4(const float* p) { return vld1q_f32(p); }
inline float32x4_t load4(const uint16_t* p) { return vcvt_f32_f16(vreinterpret_f16_u16(vld1_u16(p))); }
inline float widen(float x) { return x; }
inline float widen(uint16_t h) { return gguf::fp16_to_fp32(h); }

template <typename Row>
void scores_impl(const float* q, const Row* base, size_t stride, const uint32_t* idx, size_t n, size_t dim,
                 float scale_factor, float* scores) {
    const size_t dim4 = dim & ~size_t{3};
    size_t c = 0;
    for (; c + 4 <= n; c += 4) {
        const Row* r[4] = {base + idx[c] * stride, base + idx[c + 1] * stride, base + idx[c + 2] * stride,
                           base + idx[c + 3] * stride};
        float32x4_t a0 = vdupq_n_f32(0.0f), a1 = a0, a2 = a0, a3 = a0;
        for (size_t d = 0; d < dim4; d += 4) {
            const float32x4_t qv = vld1q_f32(q + d);
            a0 = vfmaq_f32(a0, qv, load4(r[0] + d));
            a1 = vfmaq_f32(a1, qv, load4(r[1] + d));
            a2 = vfmaq_f32(a2, qv, load4(r[2] + d));
            a3 = vfmaq_f32(a3, qv, load4(r[3] + d));
        }
        float sums[4] = {vaddvq_f32(a0), vaddvq_f32(a1), vaddvq_f32(a2), vaddvq_f32(a3)};
        for (size_t k = 0; k < 4; ++k) {
            for (size_t d = dim4; d < dim; ++d) sums[k] = std::fma(q[d], widen(r[k][d]), sums[k]);
            scores[c + k] = sums[k] * scale_factor;
        }
    }
    for (; c < n; ++c) {
        const Row* row = base + idx[c] * stride;
        float32x4_t a = vdupq_n_f32(0.0f);
        for (size_t d = 0; d < dim4; d += 4) a = vfmaq_f32(a, vld1q_f32(q + d), load4(row + d));
        float sum = vaddvq_f32(a);
        for (size_t d = dim4; d < dim; ++d) sum = std::fma(q[d], widen(row[d]), sum);
        scores[c] = sum * scale_factor;
    }
}

template <int R, typename Row>
inline void accumulate_span(const float* weights, const Row* base, size_t stride, const uint32_t* idx, size_t n,
                            size_t d0, float* acc) {
    float32x4_t a[R];
    for (int k = 0; k < R; ++k) a[k] = vld1q_f32(acc + d0 + 4 * k);
    for (size_t c = 0; c < n; ++c) {
        const float32x4_t w = vdupq_n_f32(weights[c]);
        const Row* row = base + idx[c] * stride + d0;
        for (int k = 0; k < R; ++k) a[k] = vfmaq_f32(a[k], w, load4(row + 4 * k));
    }
    for (int k = 0; k < R; ++k) vst1q_f32(acc + d0 + 4 * k, a[k]);
}

template <typename Row>
void accumulate_impl(const float* weights, const Row* base, size_t stride, const uint32_t* idx, size_t n,
                     size_t dim, float* acc) {
    size_t d = 0;
    for (; d + 32 <= dim; d += 32) accumulate_span<8>(weights, base, stride, idx, n, d, acc);
    for (; d + 4 <= dim; d += 4) accumulate_span<1>(weights, base, stride, idx, n, d, acc);
    for (; d < dim; ++d) {
        float sum = acc[d];
        for (size_t c = 0; c < n; ++c) sum = std::fma(weights[c], widen(base[idx[c] * stride + d]), sum);
        acc[d] = sum;
    }
}

// Two keys against NQ queries per step: 2*NQ accumulators share every K load.
template <int NQ>
void tile_scores_impl(const float* const* q_rows, const float* base, size_t stride, size_t j0, size_t n, size_t dim,
                      float scale_factor, float* scores) {
    const size_t dim4 = dim & ~size_t{3};
    auto finish = [&](float32x4_t (&a)[NQ], size_t c, const float* row) {
        for (int q = 0; q < NQ; ++q) {
            float sum = vaddvq_f32(a[q]);
            for (size_t d = dim4; d < dim; ++d) sum = std::fma(q_rows[q][d], row[d], sum);
            scores[q * n + c] = sum * scale_factor;
        }
    };
    size_t c = 0;
    for (; c + 2 <= n; c += 2) {
        const float* r0 = base + (j0 + c) * stride;
        const float* r1 = r0 + stride;
        float32x4_t a0[NQ], a1[NQ];
        for (int q = 0; q < NQ; ++q) a0[q] = a1[q] = vdupq_n_f32(0.0f);
        for (size_t d = 0; d < dim4; d += 4) {
            const float32x4_t k0 = vld1q_f32(r0 + d), k1 = vld1q_f32(r1 + d);
            for (int q = 0; q < NQ; ++q) {
                const float32x4_t qv = vld1q_f32(q_rows[q] + d);
                a0[q] = vfmaq_f32(a0[q], qv, k0);
                a1[q] = vfmaq_f32(a1[q], qv, k1);
            }
        }
        finish(a0, c, r0);
        finish(a1, c + 1, r1);
    }
    for (; c < n; ++c) {
        const float* r0 = base + (j0 + c) * stride;
        float32x4_t a0[NQ];
        for (int q = 0; q < NQ; ++q) a0[q] = vdupq_n_f32(0.0f);
        for (size_t d = 0; d < dim4; d += 4) {
            const float32x4_t k0 = vld1q_f32(r0 + d);
            for (int q = 0; q < NQ; ++q) a0[q] = vfmaq_f32(a0[q], vld1q_f32(q_rows[q] + d), k0);
        }
        finish(a0, c, r0);
    }
}

// NQ queries x 16 output floats in registers; each V load feeds NQ FMAs.
template <int NQ>
void tile_accumulate_impl(const float* weights, const float* base, size_t stride, size_t j0, size_t n, size_t dim,
                          float* const* acc) {
    size_t d = 0;
    for (; d + 16 <= dim; d += 16) {
        float32x4_t a[NQ][4];
        for (int q = 0; q < NQ; ++q)
            for (int k = 0; k < 4; ++k) a[q][k] = vld1q_f32(acc[q] + d + 4 * k);
        for (size_t c = 0; c < n; ++c) {
            const float* row = base + (j0 + c) * stride + d;
            const float32x4_t v[4] = {vld1q_f32(row), vld1q_f32(row + 4), vld1q_f32(row + 8), vld1q_f32(row + 12)};
            for (int q = 0; q < NQ; ++q) {
                const float w = weights[q * n + c];
                for (int k = 0; k < 4; ++k) a[q][k] = vfmaq_n_f32(a[q][k], v[k], w);
            }
        }
        for (int q = 0; q < NQ; ++q)
            for (int k = 0; k < 4; ++k) vst1q_f32(acc[q] + d + 4 * k, a[q][k]);
    }
    for (; d + 4 <= dim; d += 4) {
        float32x4_t a[NQ];
        for (int q = 0; q < NQ; ++q) a[q] = vld1q_f32(acc[q] + d);
        for (size_t c = 0; c < n; ++c) {
            const float32x4_t v0 = vld1q_f32(base + (j0 + c) * stride + d);
            for (int q = 0; q < NQ; ++q) a[q] = vfmaq_n_f32(a[q], v0, weights[q * n + c]);
        }
        for (int q = 0; q < NQ; ++q) vst1q_f32(acc[q] + d, a[q]);
    }
    for (; d < dim; ++d)
        for (int q = 0; q < NQ; ++q) {
            float sum = acc[q][d];
            for (size_t c = 0; c < n; ++c) sum = std::fma(weights[q * n + c], base[(j0 + c) * stride + d], sum);
            acc[q][d] = sum;
        }
}

void to_half(const float* x, size_t n, uint16_t* out) {
    size_t i = 0;
    for (; i + 4 <= n; i += 4) {
        const float32x4_t v = vld1q_f32(x + i);
        if (vminvq_u32(vceqq_f32(v, v)) == 0) break;  // a NaN: its payload is kept by the hardware, not by us
        vst1_u16(out + i, vreinterpret_u16_f16(vcvt_f16_f32(v)));
    }
    for (; i < n; ++i) out[i] = gguf::fp32_to_fp16(x[i]);
}

}  // namespace

#include "kernels/attention/row_kernel_table.inc"

}  // namespace kernels::neon

#endif  // SPARSE_LLM_BUILD_NEON
