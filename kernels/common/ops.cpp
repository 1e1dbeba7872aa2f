#include "kernels/common/ops.h"

#include <cmath>

#include "kernels/common/vector_math.h"

namespace kernels {

void rms_norm(const float* x, const float* weight, float* out, size_t n, float eps) {
    double sum = 0.0;
    for (size_t i = 0; i < n; ++i) sum += static_cast<double>(x[i]) * x[i];
    const float mean = static_cast<float>(sum / static_cast<double>(n));
    const float scale = 1.0f / std::sqrt(mean + eps);
    for (size_t i = 0; i < n; ++i) out[i] = (x[i] * scale) * weight[i];
}

void layer_norm(const float* x, const float* weight, const float* bias, float* out, size_t n, float eps) {
    double sum = 0.0;
    for (size_t i = 0; i < n; ++i) sum += x[i];
    const float mean = static_cast<float>(sum / static_cast<double>(n));
    double squares = 0.0;
    for (size_t i = 0; i < n; ++i) {
        out[i] = x[i] - mean;
        squares += static_cast<double>(out[i]) * out[i];
    }
    const float scale = 1.0f / std::sqrt(static_cast<float>(squares / static_cast<double>(n)) + eps);
    vector_math().scale_affine(out, n, scale, weight, bias);
}

void add_in_place(float* x, const float* y, size_t n) { vector_math().add(x, y, n); }

namespace {

// gate[i] = gate[i] / (1 + e^exponent(gate[i])) * up[i] (up nullptr: 1): the activations that are g times a
// sigmoid, gated or not.
template <typename Exponent>
void sigmoid_gated_in_place(float* gate, const float* up, size_t n, Exponent exponent) {
    constexpr size_t kChunk = 64;
    float e[kChunk];
    for (size_t start = 0; start < n; start += kChunk) {
        const size_t m = n - start < kChunk ? n - start : kChunk;
        float* g = gate + start;
        for (size_t i = 0; i < m; ++i) e[i] = exponent(g[i]);
        vector_math().exp_shifted_sum(e, m, 0.0f);  // e = exp(e), vectorised
        for (size_t i = 0; i < m; ++i) g[i] = g[i] / (1.0f + e[i]) * (up ? up[start + i] : 1.0f);
    }
}

// gelu(g) = g / (1 + e^gelu_exponent(g))
float gelu_exponent(float g) {
    constexpr float kTwoSqrtTwoOverPi = 1.5957691216057308f;  // 2 sqrt(2 / pi)
    return -kTwoSqrtTwoOverPi * (g + 0.044715f * g * g * g);
}

}  // namespace

void swiglu_in_place(float* gate, const float* up, size_t n) {
    sigmoid_gated_in_place(gate, up, n, [](float g) { return -g; });
}

void geglu_in_place(float* gate, const float* up, size_t n) { sigmoid_gated_in_place(gate, up, n, gelu_exponent); }

void gelu_in_place(float* x, size_t n) { sigmoid_gated_in_place(x, nullptr, n, gelu_exponent); }

// The normaliser is summed in blocks of kSumBlock values, each by the set's exp_shifted_sum (one float
// accumulator per lane), the block sums in double. A float sum of m positive terms is within (m - 1) u of the
// exact one (u = 2^-24), so with m <= 64 per accumulator the sum is within 3.8e-6 of exact at any n, in every
// set and in the same blocks; one accumulator per lane over all n values could drift by up to n / lanes * u
// (1.25e-5 was seen at n = 49152 with NEON's 4 lanes). The exponentials themselves are those of exp_shifted_sum.
float softmax_in_place(float* x, size_t n) {
    constexpr size_t kSumBlock = 64;
    const VectorMath& math = vector_math();
    const float max = math.max_value(x, n);
    double sum = 0.0;
    for (size_t start = 0; start < n; start += kSumBlock)
        sum += math.exp_shifted_sum(x + start, n - start < kSumBlock ? n - start : kSumBlock, max);
    math.scale(x, n, static_cast<float>(1.0 / sum));
    return max;
}

}  // namespace kernels
