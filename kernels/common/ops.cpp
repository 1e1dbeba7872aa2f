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
    const VectorMath& math = vector_math();
    const float mean = static_cast<float>(math.sum(x, n) / static_cast<double>(n));
    const double squares = math.centered_squares(x, out, n, mean);
    const float scale = 1.0f / std::sqrt(static_cast<float>(squares / static_cast<double>(n)) + eps);
    math.scale_affine(out, n, scale, weight, bias);
}

void add_in_place(float* x, const float* y, size_t n) { vector_math().add(x, y, n); }

namespace {

constexpr float kGeluA = -1.5957691216057308f;  // -2 sqrt(2 / pi)
constexpr float kGeluB = 0.044715f;

}  // namespace

void swiglu_in_place(float* gate, const float* up, size_t n) { vector_math().sigmoid_gate(gate, up, n, -1.0f, 0.0f); }

void geglu_in_place(float* gate, const float* up, size_t n) { vector_math().sigmoid_gate(gate, up, n, kGeluA, kGeluB); }

void gelu_in_place(float* x, size_t n) { vector_math().sigmoid_gate(x, nullptr, n, kGeluA, kGeluB); }

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
