// Vectorised math on float arrays: the pieces of a softmax (max, shifted exponentials and their sum, scaling),
// of the norms and of the gated activations that ops.cpp and the attention kernels share, one implementation per instruction set (isa.h) in
// kernels/common/<isa>/vector_math_<isa>.cpp. scalar's is the reference the others are tested against.
#pragma once

#include <cstddef>

#include "kernels/common/isa.h"

namespace kernels {

struct VectorMath {
    // max of x[0..n), -inf when n == 0
    float (*max_value)(const float* x, size_t n);
    // x[c] = exp(x[c] - shift); returns the sum of the new x
    float (*exp_shifted_sum)(float* x, size_t n, float shift);
    // x[d] *= factor
    void (*scale)(float* x, size_t n, float factor);
    // e^x as exp_shifted_sum computes it, so that a softmax rescaled by it stays consistent
    float (*exp1)(float x);
    // x[i] += y[i] (residuals, biases): the same bits in every set
    void (*add)(float* x, const float* y, size_t n);
    // x[i] = fma(x[i] * factor, weight[i], bias[i]) (LayerNorm's scaling; fused in every set, as a compiler
    // would contract it in some): the same bits in every set
    void (*scale_affine)(float* x, size_t n, float factor, const float* weight, const float* bias);
    // The sum of x[0..n) in double, element i into accumulator i % 8, the eight summed pairwise
    // ((0+1)+(2+3))+((4+5)+(6+7)): the same bits in every set.
    double (*sum)(const float* x, size_t n);
    // out[i] = x[i] - mean; returns the sum of out[i]^2 in double as sum() adds (a float's square is exact in
    // double): the same bits in every set. LayerNorm's variance.
    double (*centered_squares)(const float* x, float* out, size_t n, float mean);
    // gate[i] = g / (1 + e^(a (g + b g^3))) * up[i], g = gate[i] (up nullptr: 1; b = 0: no cubic term): SiLU
    // (a = -1) and the tanh GELU (a = -2 sqrt(2 / pi), b = 0.044715), gated or not. The exponential as exp1's.
    void (*sigmoid_gate)(float* gate, const float* up, size_t n, float a, float b);
};

// vector_math(isa): the functions of a set; vector_math(): those of the active set.
SPARSE_LLM_DECLARE_ISA_TABLES(VectorMath, vector_math, kVectorMath)

}  // namespace kernels
