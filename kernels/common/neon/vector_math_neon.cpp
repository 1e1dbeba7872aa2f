// NEON (aarch64) vector math: the same structure as the AVX2 one, four lanes wide.
#include "kernels/common/vector_math.h"

#if SPARSE_LLM_BUILD_NEON

#include <arm_neon.h>

#include <limits>

namespace kernels::neon {
namespace {

inline float32x4_t exp4(float32x4_t x) {
    x = vminq_f32(vmaxq_f32(x, vdupq_n_f32(-88.3762626647949f)), vdupq_n_f32(88.3762626647949f));
    const float32x4_t fx = vrndmq_f32(vfmaq_f32(vdupq_n_f32(0.5f), x, vdupq_n_f32(1.44269504088896341f)));
    x = vfmsq_f32(x, fx, vdupq_n_f32(0.693359375f));
    x = vfmsq_f32(x, fx, vdupq_n_f32(-2.12194440e-4f));
    const float32x4_t z = vmulq_f32(x, x);
    float32x4_t y = vdupq_n_f32(1.9875691500e-4f);
    y = vfmaq_f32(vdupq_n_f32(1.3981999507e-3f), y, x);
    y = vfmaq_f32(vdupq_n_f32(8.3334519073e-3f), y, x);
    y = vfmaq_f32(vdupq_n_f32(4.1665795894e-2f), y, x);
    y = vfmaq_f32(vdupq_n_f32(1.6666665459e-1f), y, x);
    y = vfmaq_f32(vdupq_n_f32(5.0000001201e-1f), y, x);
    y = vfmaq_f32(x, y, z);
    y = vaddq_f32(y, vdupq_n_f32(1.0f));
    const int32x4_t exponent = vshlq_n_s32(vaddq_s32(vcvtq_s32_f32(fx), vdupq_n_s32(127)), 23);
    return vmulq_f32(y, vreinterpretq_f32_s32(exponent));
}

float max_value(const float* x, size_t n) {
    float32x4_t m = vdupq_n_f32(-std::numeric_limits<float>::infinity());
    size_t i = 0;
    for (; i + 4 <= n; i += 4) m = vmaxq_f32(m, vld1q_f32(x + i));
    float result = vmaxvq_f32(m);
    for (; i < n; ++i) result = x[i] > result ? x[i] : result;
    return result;
}

float exp_shifted_sum(float* x, size_t n, float shift) {
    const float32x4_t s = vdupq_n_f32(shift);
    float32x4_t sum = vdupq_n_f32(0.0f);
    size_t i = 0;
    for (; i + 4 <= n; i += 4) {
        const float32x4_t e = exp4(vsubq_f32(vld1q_f32(x + i), s));
        vst1q_f32(x + i, e);
        sum = vaddq_f32(sum, e);
    }
    if (i < n) {  // the tail through one padded vector: exp(-inf) = 0 adds nothing
        float tail[4];
        for (size_t k = 0; k < 4; ++k) tail[k] = i + k < n ? x[i + k] : -std::numeric_limits<float>::infinity();
        const float32x4_t e = exp4(vsubq_f32(vld1q_f32(tail), s));
        vst1q_f32(tail, e);
        sum = vaddq_f32(sum, e);
        for (size_t k = 0; i + k < n; ++k) x[i + k] = tail[k];
    }
    return vaddvq_f32(sum);
}

void scale(float* x, size_t n, float factor) {
    size_t i = 0;
    for (; i + 4 <= n; i += 4) vst1q_f32(x + i, vmulq_n_f32(vld1q_f32(x + i), factor));
    for (; i < n; ++i) x[i] *= factor;
}

float exp1(float x) { return vgetq_lane_f32(exp4(vdupq_n_f32(x)), 0); }

void add(float* x, const float* y, size_t n) {
    size_t i = 0;
    for (; i + 4 <= n; i += 4) vst1q_f32(x + i, vaddq_f32(vld1q_f32(x + i), vld1q_f32(y + i)));
    for (; i < n; ++i) x[i] += y[i];
}

void scale_affine(float* x, size_t n, float factor, const float* weight, const float* bias) {
    size_t i = 0;
    for (; i + 4 <= n; i += 4)
        vst1q_f32(x + i, vfmaq_f32(vld1q_f32(bias + i), vmulq_n_f32(vld1q_f32(x + i), factor), vld1q_f32(weight + i)));
    for (; i < n; ++i) x[i] = __builtin_fmaf(x[i] * factor, weight[i], bias[i]);
}

// The striped double sums' eight accumulators in four registers (0-1, 2-3, 4-5, 6-7), plus the tail's terms
// (fewer than 8), totalled pairwise as scalar's.
struct Striped {
    float64x2_t acc[4] = {vdupq_n_f64(0.0), vdupq_n_f64(0.0), vdupq_n_f64(0.0), vdupq_n_f64(0.0)};

    void add(float32x4_t first, float32x4_t second) {
        acc[0] = vaddq_f64(acc[0], vcvt_f64_f32(vget_low_f32(first)));
        acc[1] = vaddq_f64(acc[1], vcvt_high_f64_f32(first));
        acc[2] = vaddq_f64(acc[2], vcvt_f64_f32(vget_low_f32(second)));
        acc[3] = vaddq_f64(acc[3], vcvt_high_f64_f32(second));
    }
    void add_squares(float32x4_t first, float32x4_t second) {
        const float64x2_t d[4] = {vcvt_f64_f32(vget_low_f32(first)), vcvt_high_f64_f32(first),
                                  vcvt_f64_f32(vget_low_f32(second)), vcvt_high_f64_f32(second)};
        for (int k = 0; k < 4; ++k) acc[k] = vaddq_f64(acc[k], vmulq_f64(d[k], d[k]));
    }
    double finish(const double* tail, size_t n_tail) const {
        double a[8];
        for (int k = 0; k < 4; ++k) vst1q_f64(a + 2 * k, acc[k]);
        for (size_t k = 0; k < n_tail; ++k) a[k] += tail[k];
        return ((a[0] + a[1]) + (a[2] + a[3])) + ((a[4] + a[5]) + (a[6] + a[7]));
    }
};

double sum(const float* x, size_t n) {
    Striped striped;
    size_t i = 0;
    for (; i + 8 <= n; i += 8) striped.add(vld1q_f32(x + i), vld1q_f32(x + i + 4));
    double tail[8];
    for (size_t k = 0; i + k < n; ++k) tail[k] = x[i + k];
    return striped.finish(tail, n - i);
}

double centered_squares(const float* x, float* out, size_t n, float mean) {
    const float32x4_t m = vdupq_n_f32(mean);
    Striped striped;
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        const float32x4_t first = vsubq_f32(vld1q_f32(x + i), m), second = vsubq_f32(vld1q_f32(x + i + 4), m);
        vst1q_f32(out + i, first);
        vst1q_f32(out + i + 4, second);
        striped.add_squares(first, second);
    }
    double tail[8];
    for (size_t k = 0; i + k < n; ++k) {
        out[i + k] = x[i + k] - mean;
        tail[k] = static_cast<double>(out[i + k]) * out[i + k];
    }
    return striped.finish(tail, n - i);
}

void sigmoid_gate(float* gate, const float* up, size_t n, float a, float b) {
    const float32x4_t one = vdupq_n_f32(1.0f);
    size_t i = 0;
    for (; i + 4 <= n; i += 4) {
        const float32x4_t g = vld1q_f32(gate + i);
        const float32x4_t t = b == 0.0f ? g : vaddq_f32(g, vmulq_f32(vmulq_f32(vmulq_n_f32(g, b), g), g));
        float32x4_t r = vdivq_f32(g, vaddq_f32(one, exp4(vmulq_n_f32(t, a))));
        if (up) r = vmulq_f32(r, vld1q_f32(up + i));
        vst1q_f32(gate + i, r);
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

}  // namespace kernels::neon

#endif  // SPARSE_LLM_BUILD_NEON
