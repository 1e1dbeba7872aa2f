// AVX2 + FMA vector math: 8 lanes at a time; exp is a Cephes-style polynomial (about 1 ulp).
#include "kernels/common/vector_math.h"

#if SPARSE_LLM_BUILD_AVX2

#include "kernels/common/avx2/avx2_flags.h"

namespace kernels::avx2 {
namespace {

inline float hsum(__m256 a) {
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(a), _mm256_extractf128_ps(a, 1));
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    s = _mm_add_ss(s, _mm_movehdup_ps(s));
    return _mm_cvtss_f32(s);
}

inline __m256 exp8(__m256 x) {
    const __m256 lo = _mm256_set1_ps(-88.3762626647949f);
    const __m256 hi = _mm256_set1_ps(88.3762626647949f);
    x = _mm256_min_ps(_mm256_max_ps(x, lo), hi);
    const __m256 fx = _mm256_floor_ps(_mm256_fmadd_ps(x, _mm256_set1_ps(1.44269504088896341f), _mm256_set1_ps(0.5f)));
    x = _mm256_fnmadd_ps(fx, _mm256_set1_ps(0.693359375f), x);
    x = _mm256_fnmadd_ps(fx, _mm256_set1_ps(-2.12194440e-4f), x);
    const __m256 z = _mm256_mul_ps(x, x);
    __m256 y = _mm256_set1_ps(1.9875691500e-4f);
    y = _mm256_fmadd_ps(y, x, _mm256_set1_ps(1.3981999507e-3f));
    y = _mm256_fmadd_ps(y, x, _mm256_set1_ps(8.3334519073e-3f));
    y = _mm256_fmadd_ps(y, x, _mm256_set1_ps(4.1665795894e-2f));
    y = _mm256_fmadd_ps(y, x, _mm256_set1_ps(1.6666665459e-1f));
    y = _mm256_fmadd_ps(y, x, _mm256_set1_ps(5.0000001201e-1f));
    y = _mm256_fmadd_ps(y, z, x);
    y = _mm256_add_ps(y, _mm256_set1_ps(1.0f));
    const __m256i exponent = _mm256_slli_epi32(_mm256_add_epi32(_mm256_cvttps_epi32(fx), _mm256_set1_epi32(127)), 23);
    return _mm256_mul_ps(y, _mm256_castsi256_ps(exponent));
}

float max_value(const float* x, size_t n) {
    __m256 m = _mm256_set1_ps(-__builtin_inff());
    size_t i = 0;
    for (; i + 8 <= n; i += 8) m = _mm256_max_ps(m, _mm256_loadu_ps(x + i));
    alignas(32) float lanes[8];
    _mm256_store_ps(lanes, m);
    float result = lanes[0];
    for (int k = 1; k < 8; ++k) result = lanes[k] > result ? lanes[k] : result;
    for (; i < n; ++i) result = x[i] > result ? x[i] : result;
    return result;
}

float exp_shifted_sum(float* x, size_t n, float shift) {
    const __m256 s = _mm256_set1_ps(shift);
    __m256 sum = _mm256_setzero_ps();
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        const __m256 e = exp8(_mm256_sub_ps(_mm256_loadu_ps(x + i), s));
        _mm256_storeu_ps(x + i, e);
        sum = _mm256_add_ps(sum, e);
    }
    if (i < n) {  // the tail through one padded vector: exp(-inf) = 0 adds nothing
        alignas(32) float tail[8];
        for (size_t k = 0; k < 8; ++k) tail[k] = i + k < n ? x[i + k] : -__builtin_inff();
        const __m256 e = exp8(_mm256_sub_ps(_mm256_load_ps(tail), s));
        _mm256_store_ps(tail, e);
        sum = _mm256_add_ps(sum, e);
        for (size_t k = 0; i + k < n; ++k) x[i + k] = tail[k];
    }
    return hsum(sum);
}

void scale(float* x, size_t n, float factor) {
    const __m256 f = _mm256_set1_ps(factor);
    size_t i = 0;
    for (; i + 8 <= n; i += 8) _mm256_storeu_ps(x + i, _mm256_mul_ps(_mm256_loadu_ps(x + i), f));
    for (; i < n; ++i) x[i] *= factor;
}

float exp1(float x) { return _mm256_cvtss_f32(exp8(_mm256_set1_ps(x))); }

void add(float* x, const float* y, size_t n) {
    size_t i = 0;
    for (; i + 8 <= n; i += 8) _mm256_storeu_ps(x + i, _mm256_add_ps(_mm256_loadu_ps(x + i), _mm256_loadu_ps(y + i)));
    for (; i < n; ++i) x[i] += y[i];
}

void scale_affine(float* x, size_t n, float factor, const float* weight, const float* bias) {
    const __m256 f = _mm256_set1_ps(factor);
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        const __m256 scaled = _mm256_mul_ps(_mm256_loadu_ps(x + i), f);
        _mm256_storeu_ps(x + i, _mm256_fmadd_ps(scaled, _mm256_loadu_ps(weight + i), _mm256_loadu_ps(bias + i)));
    }
    for (; i < n; ++i) x[i] = __builtin_fmaf(x[i] * factor, weight[i], bias[i]);
}

// Accumulators 0-3 and 4-7 of the striped double sums, plus the tail's terms (fewer than 8), totalled pairwise
// as scalar's.
double finish_striped(__m256d low, __m256d high, const double* tail, size_t n_tail) {
    alignas(32) double acc[8];
    _mm256_store_pd(acc, low);
    _mm256_store_pd(acc + 4, high);
    for (size_t k = 0; k < n_tail; ++k) acc[k] += tail[k];
    return ((acc[0] + acc[1]) + (acc[2] + acc[3])) + ((acc[4] + acc[5]) + (acc[6] + acc[7]));
}

double sum(const float* x, size_t n) {
    __m256d low = _mm256_setzero_pd(), high = _mm256_setzero_pd();
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        low = _mm256_add_pd(low, _mm256_cvtps_pd(_mm_loadu_ps(x + i)));
        high = _mm256_add_pd(high, _mm256_cvtps_pd(_mm_loadu_ps(x + i + 4)));
    }
    double tail[8];
    for (size_t k = 0; i + k < n; ++k) tail[k] = x[i + k];
    return finish_striped(low, high, tail, n - i);
}

double centered_squares(const float* x, float* out, size_t n, float mean) {
    const __m256 m = _mm256_set1_ps(mean);
    __m256d low = _mm256_setzero_pd(), high = _mm256_setzero_pd();
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        const __m256 d = _mm256_sub_ps(_mm256_loadu_ps(x + i), m);
        _mm256_storeu_ps(out + i, d);
        const __m256d d_low = _mm256_cvtps_pd(_mm256_castps256_ps128(d));
        const __m256d d_high = _mm256_cvtps_pd(_mm256_extractf128_ps(d, 1));
        low = _mm256_add_pd(low, _mm256_mul_pd(d_low, d_low));
        high = _mm256_add_pd(high, _mm256_mul_pd(d_high, d_high));
    }
    double tail[8];
    for (size_t k = 0; i + k < n; ++k) {
        out[i + k] = x[i + k] - mean;
        tail[k] = static_cast<double>(out[i + k]) * out[i + k];
    }
    return finish_striped(low, high, tail, n - i);
}

void sigmoid_gate(float* gate, const float* up, size_t n, float a, float b) {
    const __m256 va = _mm256_set1_ps(a), vb = _mm256_set1_ps(b), one = _mm256_set1_ps(1.0f);
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        const __m256 g = _mm256_loadu_ps(gate + i);
        // the scalar order: g + ((b * g) * g) * g, no fused steps
        const __m256 t = b == 0.0f ? g : _mm256_add_ps(g, _mm256_mul_ps(_mm256_mul_ps(_mm256_mul_ps(vb, g), g), g));
        __m256 r = _mm256_div_ps(g, _mm256_add_ps(one, exp8(_mm256_mul_ps(va, t))));
        if (up) r = _mm256_mul_ps(r, _mm256_loadu_ps(up + i));
        _mm256_storeu_ps(gate + i, r);
    }
    for (; i < n; ++i) {
        const float g = gate[i];
        const float t = b == 0.0f ? g : g + b * g * g * g;
        gate[i] = g / (1.0f + exp1(a * t)) * (up ? up[i] : 1.0f);
    }
}

}  // namespace

const VectorMath kVectorMath = {max_value, exp_shifted_sum, scale, exp1, add, scale_affine, sum, centered_squares,
                                sigmoid_gate};

}  // namespace kernels::avx2

#endif  // SPARSE_LLM_BUILD_AVX2
