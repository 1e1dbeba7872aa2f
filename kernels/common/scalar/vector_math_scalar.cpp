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

}  // namespace

const VectorMath kVectorMath = {max_value, exp_shifted_sum, scale, exp1};

}  // namespace kernels::scalar
