// AVX2 + FMA + F16C attention row kernels. Scores are computed four candidates at a time (four independent FMA
// chains, one horizontal reduction); accumulation keeps up to 64 output floats in registers across all
// candidates.
#include "kernels/attention/row_kernels.h"

#if SPARSE_LLM_BUILD_AVX2

#include "kernels/common/avx2/avx2_flags.h"

#include "gguf/quant/fp16.h"

namespace kernels::avx2 {
namespace {

inline __m256 load8(const float* p) { return _mm256_loadu_ps(p); }
inline __m256 load8(const uint16_t* p) {
    return _mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p)));
}
inline float widen(float x) { return x; }
inline float widen(uint16_t h) { return gguf::fp16_to_fp32(h); }

template <typename Row>
inline void prefetch_row(const Row* row, size_t dim) {
    const char* p = reinterpret_cast<const char*>(row);
    for (size_t offset = 0; offset < dim * sizeof(Row); offset += 64) _mm_prefetch(p + offset, _MM_HINT_T0);
}

// The four lanes' totals of a0..a3: [sum(a0), sum(a1), sum(a2), sum(a3)].
inline __m128 hsum4(__m256 a0, __m256 a1, __m256 a2, __m256 a3) {
    const __m256 t = _mm256_hadd_ps(_mm256_hadd_ps(a0, a1), _mm256_hadd_ps(a2, a3));
    return _mm_add_ps(_mm256_castps256_ps128(t), _mm256_extractf128_ps(t, 1));
}

template <typename Row>
void scores_impl(const float* q, const Row* base, size_t stride, const uint32_t* idx, size_t n, size_t dim,
                 float scale_factor, float* scores) {
    const size_t dim8 = dim & ~size_t{7};
    size_t c = 0;
    for (; c + 4 <= n; c += 4) {
        const Row* r[4] = {base + idx[c] * stride, base + idx[c + 1] * stride, base + idx[c + 2] * stride,
                           base + idx[c + 3] * stride};
        if (c + 8 <= n)
            for (size_t k = 4; k < 8; ++k) prefetch_row(base + idx[c + k] * stride, dim);
        __m256 a0 = _mm256_setzero_ps(), a1 = _mm256_setzero_ps(), a2 = _mm256_setzero_ps(),
               a3 = _mm256_setzero_ps();
        for (size_t d = 0; d < dim8; d += 8) {
            const __m256 qv = _mm256_loadu_ps(q + d);
            a0 = _mm256_fmadd_ps(qv, load8(r[0] + d), a0);
            a1 = _mm256_fmadd_ps(qv, load8(r[1] + d), a1);
            a2 = _mm256_fmadd_ps(qv, load8(r[2] + d), a2);
            a3 = _mm256_fmadd_ps(qv, load8(r[3] + d), a3);
        }
        alignas(16) float sums[4];
        _mm_store_ps(sums, hsum4(a0, a1, a2, a3));
        for (size_t k = 0; k < 4; ++k) {
            for (size_t d = dim8; d < dim; ++d) sums[k] = __builtin_fmaf(q[d], widen(r[k][d]), sums[k]);
            scores[c + k] = sums[k] * scale_factor;
        }
    }
    for (; c < n; ++c) {  // same reduction order as the groups of four, so no score depends on its slot
        const Row* row = base + idx[c] * stride;
        __m256 a = _mm256_setzero_ps();
        for (size_t d = 0; d < dim8; d += 8) a = _mm256_fmadd_ps(_mm256_loadu_ps(q + d), load8(row + d), a);
        const __m256 zero = _mm256_setzero_ps();
        float sum = _mm_cvtss_f32(hsum4(a, zero, zero, zero));
        for (size_t d = dim8; d < dim; ++d) sum = __builtin_fmaf(q[d], widen(row[d]), sum);
        scores[c] = sum * scale_factor;
    }
}

// acc[d0 .. d0 + 8R) += sum_c w[c] * row_c[d0 ..], with the R accumulators held in registers.
template <int R, typename Row>
inline void accumulate_span(const float* weights, const Row* base, size_t stride, const uint32_t* idx, size_t n,
                            size_t d0, float* acc) {
    __m256 a[R];
    for (int k = 0; k < R; ++k) a[k] = _mm256_loadu_ps(acc + d0 + 8 * k);
    for (size_t c = 0; c < n; ++c) {
        const __m256 w = _mm256_broadcast_ss(weights + c);
        const Row* row = base + idx[c] * stride + d0;
        for (int k = 0; k < R; ++k) a[k] = _mm256_fmadd_ps(w, load8(row + 8 * k), a[k]);
    }
    for (int k = 0; k < R; ++k) _mm256_storeu_ps(acc + d0 + 8 * k, a[k]);
}

// acc[d0 .. dim) += sum_c w[c] * row_c[d], 8 floats at a time, then one by one. Each float's sum is the same
// sequence of FMAs over the candidates however the dims are grouped.
template <typename Row>
void accumulate_tail(const float* weights, const Row* base, size_t stride, const uint32_t* idx, size_t n, size_t d0,
                     size_t dim, float* acc) {
    size_t d = d0;
    for (; d + 8 <= dim; d += 8) accumulate_span<1>(weights, base, stride, idx, n, d, acc);
    for (; d < dim; ++d) {
        float sum = acc[d];
        for (size_t c = 0; c < n; ++c) sum = __builtin_fmaf(weights[c], widen(base[idx[c] * stride + d]), sum);
        acc[d] = sum;
    }
}

template <typename Row>
void accumulate_impl(const float* weights, const Row* base, size_t stride, const uint32_t* idx, size_t n,
                     size_t dim, float* acc) {
    size_t d = 0;
    for (; d + 64 <= dim; d += 64) accumulate_span<8>(weights, base, stride, idx, n, d, acc);
    for (; d + 32 <= dim; d += 32) accumulate_span<4>(weights, base, stride, idx, n, d, acc);
    accumulate_tail(weights, base, stride, idx, n, d, dim, acc);
}

// out[i] = the lanes of a[i] summed, each exactly as hsum4 sums the lanes of any of its four arguments.
template <int N>
inline void lane_sums(const __m256 (&a)[N], float* out) {
    const __m256 zero = _mm256_setzero_ps();
    for (int i = 0; i < N; i += 4) {
        alignas(16) float sums[4];
        _mm_store_ps(sums, hsum4(a[i], i + 1 < N ? a[i + 1] : zero, i + 2 < N ? a[i + 2] : zero,
                                 i + 3 < N ? a[i + 3] : zero));
        for (int k = 0; k < 4 && i + k < N; ++k) out[i + k] = sums[k];
    }
}

// NQ queries against two gathered rows at a time: each K row is loaded and widened once for all of them.
// Every score has its own 8-lane accumulator, reduced and finished as in scores_impl.
template <typename Row, int NQ>
void group_scores_impl(const float* const* q_rows, const Row* base, size_t stride, const uint32_t* idx, size_t n,
                       size_t dim, float scale_factor, float* scores) {
    constexpr int kRows = 2;
    const size_t dim8 = dim & ~size_t{7};
    for (size_t c = 0; c < n; c += kRows) {
        const int rows = n - c >= kRows ? kRows : 1;
        const Row* r[kRows] = {base + idx[c] * stride, base + idx[c + rows - 1] * stride};
        if (c + 3 * kRows <= n)
            for (size_t k = c + 2 * kRows; k < c + 3 * kRows; ++k) prefetch_row(base + idx[k] * stride, dim);
        __m256 a[NQ * kRows];
        for (auto& v : a) v = _mm256_setzero_ps();
        for (size_t d = 0; d < dim8; d += 8) {
            const __m256 k0 = load8(r[0] + d), k1 = load8(r[1] + d);
            for (int q = 0; q < NQ; ++q) {
                const __m256 qv = _mm256_loadu_ps(q_rows[q] + d);
                a[q * kRows] = _mm256_fmadd_ps(qv, k0, a[q * kRows]);
                a[q * kRows + 1] = _mm256_fmadd_ps(qv, k1, a[q * kRows + 1]);
            }
        }
        float sums[NQ * kRows];
        lane_sums(a, sums);
        for (int q = 0; q < NQ; ++q)
            for (int k = 0; k < rows; ++k) {
                float sum = sums[q * kRows + k];
                for (size_t d = dim8; d < dim; ++d) sum = __builtin_fmaf(q_rows[q][d], widen(r[k][d]), sum);
                scores[q * n + c + k] = sum * scale_factor;
            }
    }
}

// acc[q][d0 .. d0 + 16) += sum_c weights[q * n + c] * row_at(c)[d0 ..] for NQ queries: 16 output floats each
// in registers, every V load feeding NQ FMAs, each float's FMAs in candidate order (accumulate_impl's).
template <int NQ, typename RowAt>
inline void accumulate_span16(const float* weights, size_t n, size_t d0, float* const* acc, RowAt row_at) {
    __m256 a[NQ][2];
    for (int q = 0; q < NQ; ++q) {
        a[q][0] = _mm256_loadu_ps(acc[q] + d0);
        a[q][1] = _mm256_loadu_ps(acc[q] + d0 + 8);
    }
    for (size_t c = 0; c < n; ++c) {
        const auto* row = row_at(c) + d0;
        const __m256 v0 = load8(row), v1 = load8(row + 8);
        for (int q = 0; q < NQ; ++q) {
            const __m256 w = _mm256_broadcast_ss(weights + q * n + c);
            a[q][0] = _mm256_fmadd_ps(w, v0, a[q][0]);
            a[q][1] = _mm256_fmadd_ps(w, v1, a[q][1]);
        }
    }
    for (int q = 0; q < NQ; ++q) {
        _mm256_storeu_ps(acc[q] + d0, a[q][0]);
        _mm256_storeu_ps(acc[q] + d0 + 8, a[q][1]);
    }
}

template <typename Row, int NQ>
void group_accumulate_impl(const float* weights, const Row* base, size_t stride, const uint32_t* idx, size_t n,
                           size_t dim, float* const* acc) {
    size_t d = 0;
    for (; d + 16 <= dim; d += 16)
        accumulate_span16<NQ>(weights, n, d, acc, [&](size_t c) { return base + idx[c] * stride; });
    if (d < dim)  // the last few dims (a head size off 16): per query, as accumulate_impl does them
        for (int q = 0; q < NQ; ++q) accumulate_tail(weights + q * n, base, stride, idx, n, d, dim, acc[q]);
}

// Two keys against NQ queries per step: 2*NQ accumulators share every K load; query rows come from L1.
template <int NQ>
void tile_scores_impl(const float* const* q_rows, const float* base, size_t stride, size_t j0, size_t n, size_t dim,
                      float scale_factor, float* scores) {
    const size_t dim8 = dim & ~size_t{7};
    auto finish = [&](__m256 (&a)[4], size_t c, const float* row) {
        alignas(16) float sums[4];
        _mm_store_ps(sums, hsum4(a[0], a[1], a[2], a[3]));
        for (int q = 0; q < NQ; ++q) {
            for (size_t d = dim8; d < dim; ++d) sums[q] = __builtin_fmaf(q_rows[q][d], row[d], sums[q]);
            scores[q * n + c] = sums[q] * scale_factor;
        }
    };
    size_t c = 0;
    for (; c + 2 <= n; c += 2) {
        const float* r0 = base + (j0 + c) * stride;
        const float* r1 = r0 + stride;
        __m256 a0[4] = {_mm256_setzero_ps(), _mm256_setzero_ps(), _mm256_setzero_ps(), _mm256_setzero_ps()};
        __m256 a1[4] = {_mm256_setzero_ps(), _mm256_setzero_ps(), _mm256_setzero_ps(), _mm256_setzero_ps()};
        for (size_t d = 0; d < dim8; d += 8) {
            const __m256 k0 = _mm256_loadu_ps(r0 + d), k1 = _mm256_loadu_ps(r1 + d);
            for (int q = 0; q < NQ; ++q) {
                const __m256 qv = _mm256_loadu_ps(q_rows[q] + d);
                a0[q] = _mm256_fmadd_ps(qv, k0, a0[q]);
                a1[q] = _mm256_fmadd_ps(qv, k1, a1[q]);
            }
        }
        finish(a0, c, r0);
        finish(a1, c + 1, r1);
    }
    for (; c < n; ++c) {
        const float* r0 = base + (j0 + c) * stride;
        __m256 a0[4] = {_mm256_setzero_ps(), _mm256_setzero_ps(), _mm256_setzero_ps(), _mm256_setzero_ps()};
        for (size_t d = 0; d < dim8; d += 8) {
            const __m256 k0 = _mm256_loadu_ps(r0 + d);
            for (int q = 0; q < NQ; ++q) a0[q] = _mm256_fmadd_ps(_mm256_loadu_ps(q_rows[q] + d), k0, a0[q]);
        }
        finish(a0, c, r0);
    }
}

// NQ queries against contiguous rows, 16 output floats at a time (accumulate_span16), then 8.
template <int NQ>
void tile_accumulate_impl(const float* weights, const float* base, size_t stride, size_t j0, size_t n, size_t dim,
                          float* const* acc) {
    size_t d = 0;
    for (; d + 16 <= dim; d += 16)
        accumulate_span16<NQ>(weights, n, d, acc, [&](size_t c) { return base + (j0 + c) * stride; });
    for (; d + 8 <= dim; d += 8) {
        __m256 a[NQ];
        for (int q = 0; q < NQ; ++q) a[q] = _mm256_loadu_ps(acc[q] + d);
        for (size_t c = 0; c < n; ++c) {
            const __m256 v0 = _mm256_loadu_ps(base + (j0 + c) * stride + d);
            for (int q = 0; q < NQ; ++q) a[q] = _mm256_fmadd_ps(_mm256_broadcast_ss(weights + q * n + c), v0, a[q]);
        }
        for (int q = 0; q < NQ; ++q) _mm256_storeu_ps(acc[q] + d, a[q]);
    }
    for (; d < dim; ++d)
        for (int q = 0; q < NQ; ++q) {
            float sum = acc[q][d];
            for (size_t c = 0; c < n; ++c) sum = __builtin_fmaf(weights[q * n + c], base[(j0 + c) * stride + d], sum);
            acc[q][d] = sum;
        }
}

void to_half(const float* x, size_t n, uint16_t* out) {
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        const __m256 v = _mm256_loadu_ps(x + i);
        const __m256 nan = _mm256_cmp_ps(v, v, _CMP_UNORD_Q);
        if (!_mm256_testz_ps(nan, nan)) break;  // the hardware keeps NaN payloads: the rest goes the scalar way
        _mm_storeu_si128(reinterpret_cast<__m128i*>(out + i), _mm256_cvtps_ph(v, _MM_FROUND_TO_NEAREST_INT));
    }
    for (; i < n; ++i) out[i] = gguf::fp32_to_fp16(x[i]);
}

}  // namespace

#define SPARSE_LLM_GROUP_ROW_KERNELS
#include "kernels/attention/row_kernel_table.inc"

}  // namespace kernels::avx2

#endif  // SPARSE_LLM_BUILD_AVX2
