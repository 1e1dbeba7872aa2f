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

void add_in_place(float* x, const float* y, size_t n) {
    for (size_t i = 0; i < n; ++i) x[i] += y[i];
}

void swiglu_in_place(float* gate, const float* up, size_t n) {
    constexpr size_t kChunk = 64;
    float e[kChunk];
    for (size_t start = 0; start < n; start += kChunk) {
        const size_t m = n - start < kChunk ? n - start : kChunk;
        float* g = gate + start;
        for (size_t i = 0; i < m; ++i) e[i] = -g[i];
        vector_math().exp_shifted_sum(e, m, 0.0f);  // e = exp(-g), vectorised
        for (size_t i = 0; i < m; ++i) g[i] = g[i] / (1.0f + e[i]) * up[start + i];
    }
}

float softmax_in_place(float* x, size_t n) {
    const VectorMath& math = vector_math();
    const float max = math.max_value(x, n);
    const float sum = math.exp_shifted_sum(x, n, max);
    math.scale(x, n, 1.0f / sum);
    return max;
}

}  // namespace kernels
