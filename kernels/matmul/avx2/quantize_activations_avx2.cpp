// AVX2 activation quantizers: 8 lanes at a time, the same values as the scalar ones (scalar/), NaN included.
#include "kernels/common/isa.h"

#if SPARSE_LLM_BUILD_AVX2

#include "kernels/common/avx2/avx2_flags.h"

#include "kernels/matmul/q8_scales.h"
#include "kernels/matmul/quantized_activations.h"

namespace kernels::avx2 {
namespace {

// roundf on 8 lanes: halves away from zero (v - trunc(v) is exact, so the test on it is too).
inline __m256 round_half_away(__m256 v) {
    const __m256 sign_bit = _mm256_set1_ps(-0.0f);
    const __m256 truncated = _mm256_round_ps(v, _MM_FROUND_TO_ZERO | _MM_FROUND_NO_EXC);
    const __m256 fraction = _mm256_andnot_ps(sign_bit, _mm256_sub_ps(v, truncated));
    const __m256 away = _mm256_or_ps(_mm256_and_ps(v, sign_bit), _mm256_set1_ps(1.0f));
    const __m256 carry = _mm256_and_ps(_mm256_cmp_ps(fraction, _mm256_set1_ps(0.5f), _CMP_GE_OQ), away);
    return _mm256_add_ps(truncated, carry);
}

// max(a, b) lane by lane where a NaN in `a` is passed over, as std::max(b, a) in the scalar versions.
inline __m256 ignoring_nan_max(__m256 a, __m256 b) { return _mm256_max_ps(a, b); }

inline float hmax(__m256 v) {
    __m128 m = _mm_max_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    m = _mm_max_ps(m, _mm_movehl_ps(m, m));
    m = _mm_max_ss(m, _mm_movehdup_ps(m));
    return _mm_cvtss_f32(m);
}

inline __m256i pack_i32_to_i8(const __m256i q[4]) {
    // The packs interleave 128-bit lanes: 0-3 8-11 16-19 24-27 | 4-7 12-15 20-23 28-31; the permute undoes it.
    const __m256i packed = _mm256_packs_epi16(_mm256_packs_epi32(q[0], q[1]), _mm256_packs_epi32(q[2], q[3]));
    return _mm256_permutevar8x32_epi32(packed, _mm256_setr_epi32(0, 4, 1, 5, 2, 6, 3, 7));
}

inline int32_t hsum_i32(__m256i v) {
    __m128i s = _mm_add_epi32(_mm256_castsi256_si128(v), _mm256_extracti128_si256(v, 1));
    s = _mm_add_epi32(s, _mm_shuffle_epi32(s, _MM_SHUFFLE(1, 0, 3, 2)));
    s = _mm_add_epi32(s, _mm_shuffle_epi32(s, _MM_SHUFFLE(2, 3, 0, 1)));
    return _mm_cvtsi128_si32(s);
}

}  // namespace

void quantize_row_q8_0(const float* x, int8_t* qs, float* d, int16_t* bsums, int64_t n) {
    const __m256 abs_mask = _mm256_castsi256_ps(_mm256_set1_epi32(0x7fffffff));
    for (int64_t b = 0; b < n / kQ8_0Block; ++b, x += kQ8_0Block, qs += kQ8_0Block) {
        __m256 v[4];
        for (int i = 0; i < 4; ++i) v[i] = _mm256_loadu_ps(x + 8 * i);
        __m256 amax = _mm256_setzero_ps();
        for (const __m256& lane : v) amax = ignoring_nan_max(_mm256_and_ps(lane, abs_mask), amax);
        const float block_max = hmax(amax);
        d[b] = q8_0_scale(block_max);
        const __m256 inverse = _mm256_set1_ps(q8_0_inverse_scale(block_max));
        __m256i q[4];
        for (int i = 0; i < 4; ++i) q[i] = _mm256_cvtps_epi32(round_half_away(_mm256_mul_ps(v[i], inverse)));
        _mm256_storeu_si256(reinterpret_cast<__m256i*>(qs), pack_i32_to_i8(q));
        const __m256i sum = _mm256_add_epi32(_mm256_add_epi32(q[0], q[1]), _mm256_add_epi32(q[2], q[3]));
        bsums[b] = static_cast<int16_t>(hsum_i32(sum));
    }
}

void quantize_row_q8_K(const float* x, int8_t* qs, float* d, int16_t* bsums, int64_t n) {
    const __m256 abs_mask = _mm256_castsi256_ps(_mm256_set1_epi32(0x7fffffff));
    for (int64_t b = 0; b < n / kQ8_KBlock; ++b, x += kQ8_KBlock, qs += kQ8_KBlock, bsums += kQ8_KBlock / kQ8_KGroup) {
        __m256 amax_lanes = _mm256_setzero_ps();
        for (int j = 0; j < kQ8_KBlock; j += 8)
            amax_lanes = ignoring_nan_max(_mm256_and_ps(_mm256_loadu_ps(x + j), abs_mask), amax_lanes);
        const float amax = hmax(amax_lanes);
        if (amax == 0.0f) {
            q8_K_zero_block(qs, d + b, bsums);
            continue;
        }
        const float iscale = q8_K_inverse_scale(x, amax);
        const __m256 scale = _mm256_set1_ps(iscale);
        for (int j = 0; j < kQ8_KBlock; j += 32) {
            __m256i q[4];
            for (int i = 0; i < 4; ++i) {
                const __m256 scaled = _mm256_mul_ps(_mm256_loadu_ps(x + j + 8 * i), scale);
                q[i] = _mm256_min_epi32(_mm256_cvtps_epi32(_mm256_round_ps(scaled, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC)),
                                        _mm256_set1_epi32(127));
            }
            _mm256_storeu_si256(reinterpret_cast<__m256i*>(qs + j), pack_i32_to_i8(q));
            bsums[j / kQ8_KGroup] = static_cast<int16_t>(hsum_i32(_mm256_add_epi32(q[0], q[1])));
            bsums[j / kQ8_KGroup + 1] = static_cast<int16_t>(hsum_i32(_mm256_add_epi32(q[2], q[3])));
        }
        d[b] = 1.0f / iscale;
    }
}

}  // namespace kernels::avx2

#endif  // SPARSE_LLM_BUILD_AVX2
