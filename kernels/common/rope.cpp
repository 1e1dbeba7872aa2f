#include "kernels/common/rope.h"

#include <cmath>

namespace kernels {

Rope::Rope(size_t rope_dim, float freq_base, const float* freq_factors)
    : rope_dim_(rope_dim), theta_scale_(std::pow(freq_base, -2.0f / static_cast<float>(rope_dim))) {
    if (freq_factors) freq_factors_.assign(freq_factors, freq_factors + n_pairs());
}

void Rope::angles(int64_t pos, float* cos, float* sin) const {
    float theta = static_cast<float>(pos);
    for (size_t i = 0; i < n_pairs(); ++i) {
        // as llama.cpp: the factor divides the angle (its theta / ff); without factors the angle is theta itself
        const float angle = freq_factors_.empty() ? theta : theta / freq_factors_[i];
        cos[i] = std::cos(angle);
        sin[i] = std::sin(angle);
        theta *= theta_scale_;
    }
}

void rope_rotate(float* x, size_t n_heads, size_t head_dim, size_t rope_dim, const float* cos, const float* sin,
                 RopeStyle style) {
    const size_t half = rope_dim / 2;
    // pair i is (x[first(i)], x[first(i) + step])
    const size_t step = style == RopeStyle::Neox ? half : 1, stride = style == RopeStyle::Neox ? 1 : 2;
    for (size_t h = 0; h < n_heads; ++h) {
        float* head = x + h * head_dim;
        for (size_t i = 0; i < half; ++i) {
            const float x0 = head[i * stride];
            const float x1 = head[i * stride + step];
            head[i * stride] = x0 * cos[i] - x1 * sin[i];
            head[i * stride + step] = x0 * sin[i] + x1 * cos[i];
        }
    }
}

}  // namespace kernels
