// Vectorised math on float arrays: the pieces of a softmax (max, shifted exponentials and their sum, scaling)
// that ops.cpp and the attention kernels share, one implementation per instruction set (isa.h) in
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
};

// vector_math(isa): the functions of a set; vector_math(): those of the active set.
SPARSE_LLM_DECLARE_ISA_TABLES(VectorMath, vector_math, kVectorMath)

}  // namespace kernels
