// Element-wise and row-wise operations of a llama transformer block, beside the matmuls: RMSNorm, RoPE,
// SwiGLU, the residual add and a softmax (for sampling over the vocabulary). Pure functions on spans;
// nothing allocates. Every one has a plain reference in its test.
#pragma once

#include <cstddef>
#include <cstdint>

namespace kernels {

// out[i] = x[i] / sqrt(mean(x²) + eps) * weight[i], i < n. The mean is accumulated in double (as llama.cpp's
// rms_norm) so the result does not depend on the summation order. out may alias x.
void rms_norm(const float* x, const float* weight, float* out, size_t n, float eps);
// LayerNorm (Phi-2): out[i] = (x[i] - mean) / sqrt(var + eps) * weight[i] + bias[i], mean and variance summed in
// double as llama.cpp's norm. out may alias x.
void layer_norm(const float* x, const float* weight, const float* bias, float* out, size_t n, float eps);

// x[i] += y[i], i < n (the residual connection).
void add_in_place(float* x, const float* y, size_t n);

// SwiGLU: gate[i] = silu(gate[i]) * up[i] with silu(g) = g / (1 + e^-g), i < n.
void swiglu_in_place(float* gate, const float* up, size_t n);
// GeGLU (Gemma): gate[i] = gelu(gate[i]) * up[i] with the tanh GELU llama.cpp uses,
// gelu(g) = g / 2 (1 + tanh(sqrt(2 / pi) (g + 0.044715 g^3))) = g / (1 + e^(-2 sqrt(2 / pi) (g + 0.044715 g^3))).
void geglu_in_place(float* gate, const float* up, size_t n);
// x[i] = gelu(x[i]), the same GELU (Phi-2's MLP).
void gelu_in_place(float* x, size_t n);

// x = softmax(x) over n values, in place; returns the largest input (the shift). n > 0. The normaliser is within
// 4e-6 (relative) of the exact sum at any n, in every instruction set; each value adds its exponential's error
// (about |x - max| * 2^-24, from rounding x - max).
float softmax_in_place(float* x, size_t n);

}  // namespace kernels
