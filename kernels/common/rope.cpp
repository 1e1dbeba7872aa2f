#include "kernels/common/rope.h"

#include <cmath>

namespace kernels {

Rope::Rope(size_t rope_dim, float freq_base)
    : rope_dim_(rope_dim), theta_scale_(std::pow(freq_base, -2.0f / static_cast<float>(rope_dim))) {}

void Rope::angles(int64_t pos, float* cos, float* sin) const {
    float theta = static_cast<float>(pos);
    for (size_t i = 0; i < n_pairs(); ++i) {
        cos[i] = std::cos(theta);
        sin[i] = std::sin(theta);
        theta *= theta_scale_;
    }
}

void rope_rotate(float* x, size_t n_heads, size_t head_dim, size_t rope_dim, const float* cos, const float* sin) {
    for (size_t h = 0; h < n_heads; ++h) {
        float* head = x + h * head_dim;
        for (size_t i = 0; i < rope_dim / 2; ++i) {
            const float x0 = head[2 * i];
            const float x1 = head[2 * i + 1];
            head[2 * i] = x0 * cos[i] - x1 * sin[i];
            head[2 * i + 1] = x0 * sin[i] + x1 * cos[i];
        }
    }
}

}  // namespace kernels
