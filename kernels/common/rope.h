// Rotary position embedding: within each head, pair i (i < rope_dim / 2) is rotated by the angle
// pos * theta_i / factor_i, theta_i = freq_base^(-2i / rope_dim), factor_i = 1 unless the model has frequency
// factors (Llama 3's rope_freqs); dimensions from rope_dim on are left alone. The pairs are adjacent,
// (x[2i], x[2i+1]), in the GGUF llama convention ("normal" RoPE in llama.cpp), or the two halves,
// (x[i], x[i + rope_dim/2]), in GPT-NeoX's (Qwen2, Phi-2).
//
//   Rope rope(64, 100000.0f);
//   rope.angles(pos, cos, sin);                 // once per position: rope_dim/2 values each
//   rope_rotate(q, n_heads, 64, 64, cos, sin);  // every head of q (and of k) at that position
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace kernels {

enum class RopeStyle { Adjacent, Neox };

class Rope {
public:
    // rope_dim must be even and > 0; freq_factors, when given, holds rope_dim / 2 positive divisors.
    Rope(size_t rope_dim, float freq_base, const float* freq_factors = nullptr);

    size_t rope_dim() const { return rope_dim_; }
    size_t n_pairs() const { return rope_dim_ / 2; }

    // cos[i], sin[i] of pos * theta_i, i < n_pairs(). The angle is built as llama.cpp builds it (theta starts
    // at pos and is multiplied by freq_base^(-2/rope_dim) once per pair), so the rotations agree with it bit
    // for bit wherever the libm does.
    void angles(int64_t pos, float* cos, float* sin) const;

private:
    size_t rope_dim_;
    float theta_scale_;
    std::vector<float> freq_factors_;  // empty: all 1
};

// Rotates x: [n_heads][head_dim], the pairs of `style` below rope_dim (<= head_dim), with angles from
// Rope::angles.
void rope_rotate(float* x, size_t n_heads, size_t head_dim, size_t rope_dim, const float* cos, const float* sin,
                 RopeStyle style = RopeStyle::Adjacent);

}  // namespace kernels
