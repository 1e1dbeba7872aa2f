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

double pairwise(const double* acc) { return ((acc[0] + acc[1]) + (acc[2] + acc[3])) + ((acc[4] + acc[5]) + (acc[6] + acc[7])); }

double sum(const float* x, size_t n) {
    double acc[8] = {};
    for (size_t i = 0; i < n; ++i) acc[i % 8] += x[i];
    return pairwise(acc);
}

double centered_squares(const float* x, float* out, size_t n, float mean) {
    double acc[8] = {};
    for (size_t i = 0; i < n; ++i) {
        out[i] = x[i] - mean;
        acc[i % 8] += static_cast<double>(out[i]) * out[i];
    }
    return pairwise(acc);
}

void sigmoid_gate(float* gate, const float* up, size_t n, float a, float b) {
    for (size_t i = 0; i < n; ++i) {
        const float g = gate[i];
        const float t = b == 0.0f ? g : g + b * g * g * g;
        gate[i] = g / (1.0f + std::exp(a * t)) * (up ? up[i] : 1.0f);
    }
}

}  // namespace

const VectorMath kVectorMath = {max_value, exp_shifted_sum, scale, exp1, add, scale_affine, sum, centered_squares,
                                sigmoid_gate};

}  // namespace kernels::scalar
