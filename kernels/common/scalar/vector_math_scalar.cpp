// Plain C++ vector math: sequential, in index order.
#include <cmath>
#include <limits>

#include "kernels/common/vector_math.h"

namespace kernels::scalar {
namespace {

float max_value(const float* x, size_t n) {
    float m = -std::numeric_limits<float>::infinity();
    for (size_t i = 0; i < n; ++i)
        if (x[i] > m) m = x[i];
    return m;
}

float exp_shifted_sum(float* x, size_t n, float shift) {
    float sum = 0.0f;
    for (size_t i = 0; i < n; ++i) {
        x[i] = std::exp(x[i] - shift);
        sum += x[i];
    }
    return sum;
}

void scale(float* x, size_t n, float factor) {
    for (size_t i = 0; i < n; ++i) x[i] *= factor;
}

float exp1(float x) { return std::exp(x); }

void add(float* x, const float* y, size_t n) {
    for (size_t i = 0; i < n; ++i) x[i] += y[i];
}

void scale_affine(float* x, size_t n, float factor, const float* weight, const float* bias) {
    for (size_t i = 0; i < n; ++i) x[i] = std::fma(x[i] * factor, weight[i], bias[i]);
}

}  // namespace

const VectorMath kVectorMath = {max_value, exp_shifted_sum, scale, exp1, add, scale_affine};

}  // namespace kernels::scalar
