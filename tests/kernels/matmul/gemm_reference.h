// Reference data and sums for the matmul tests: random matrices quantized by gguf/quant/quant.h (llama.cpp's
// reference quantizers), their dequantization, and dot products in double.
#pragma once

#include <cmath>
#include <cstdint>
#include <random>
#include <vector>

#include "gguf/quant/ggml_type.h"
#include "gguf/quant/quant.h"
#include "kernels/matmul/matmul.h"
#include "kernels/matmul/quantized_activations.h"

namespace test {

struct QuantizedMatrix {
    gguf::GgmlType type;
    int64_t rows, cols;
    std::vector<uint8_t> bytes;
    std::vector<float> dequantized;  // rows x cols, gguf::dequantize_row of bytes

    kernels::Matrix matrix() const { return {type, bytes.data(), rows, cols}; }
};

// n values ~ N(0, 1), times a scale that changes every 64 values (so blocks differ in range).
inline std::vector<float> random_values(int64_t n, uint32_t seed) {
    std::mt19937 rng(seed);
    std::normal_distribution<float> normal(0.0f, 1.0f);
    std::vector<float> v(static_cast<size_t>(n));
    float scale = 1.0f;
    for (int64_t i = 0; i < n; ++i) {
        if (i % 64 == 0) scale = std::ldexp(1.0f, static_cast<int>(rng() % 7) - 3);
        v[static_cast<size_t>(i)] = normal(rng) * scale;
    }
    return v;
}

inline QuantizedMatrix random_matrix(gguf::GgmlType type, int64_t rows, int64_t cols, uint32_t seed) {
    QuantizedMatrix m{type, rows, cols, {}, {}};
    const uint64_t row_bytes = *gguf::ggml_row_bytes(type, static_cast<uint64_t>(cols));
    m.bytes.resize(row_bytes * static_cast<uint64_t>(rows));
    m.dequantized.resize(static_cast<size_t>(rows * cols));
    const std::vector<float> values = random_values(rows * cols, seed);
    for (int64_t r = 0; r < rows; ++r) {
        gguf::quantize_row(type, values.data() + r * cols, m.bytes.data() + r * row_bytes, cols);
        gguf::dequantize_row(type, m.bytes.data() + r * row_bytes, m.dequantized.data() + r * cols, cols);
    }
    return m;
}

// Token t of the activations as the kernels see them: d * q, or the floats themselves.
inline std::vector<double> activation_values(const kernels::ActivationView& x, int64_t t) {
    std::vector<double> v(static_cast<size_t>(x.cols));
    const int block = x.type == kernels::ActivationType::Q8_K ? kernels::kQ8_KBlock : kernels::kQ8_0Block;
    for (int64_t c = 0; c < x.cols; ++c)
        v[static_cast<size_t>(c)] = x.type == kernels::ActivationType::F32
                                        ? x.f32_row(t)[c]
                                        : static_cast<double>(x.d_row(t)[c / block]) * x.qs_row(t)[c];
    return v;
}

struct Dot {
    double value;      // sum of w * x in double
    double magnitude;  // sum of |w * x|: float rounding errors scale with it
};

inline Dot dot(const float* w, const std::vector<double>& x) {
    Dot d{0.0, 0.0};
    for (size_t c = 0; c < x.size(); ++c) {
        d.value += static_cast<double>(w[c]) * x[c];
        d.magnitude += std::fabs(static_cast<double>(w[c]) * x[c]);
    }
    return d;
}

// How far a float computation of a dot product may stray: one rounding of 2^-24 per term that is summed
// in float (per column for float weights, per block for quantized ones, plus the products and the final
// reduction), each relative to at most the sum of |w x|.
inline double float_sum_bound(const Dot& d, int64_t float_terms) {
    return static_cast<double>(float_terms + 16) * std::ldexp(1.0, -24) * d.magnitude + 1e-30;
}

}  // namespace test
