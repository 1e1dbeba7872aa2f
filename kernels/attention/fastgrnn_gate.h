// FastGrnnGate: a tiny recurrent salience scorer over the token stream (spec §6), used to choose which
// log-stride tokens forward_gated keeps. The cell is the crate's variant, not textbook FastGRNN:
//   g  = sigmoid(W_g x + U_g h + b_g)
//   c  = tanh   (W_u x + U_u h + b_u)
//   gf = clamp(zeta * g + nu, 0, 1)
//   h' = gf * h + (1 - gf) * c
// and the salience of a token is ||h'||_2 after it. Matrices are row-major [hidden][input or hidden].
#pragma once

#include <cstddef>
#include <utility>
#include <vector>

#include "kernels/attention/tensor3.h"

namespace kernels {

class FastGrnnGate {
public:
    static constexpr size_t kDefaultHiddenDim = 32;

    // Deterministic built-in weights (spec §6.2), zeta 1, nu 0, zero biases. Throws InvalidConfig on a zero dim.
    FastGrnnGate(size_t input_dim, size_t hidden_dim = kDefaultHiddenDim);

    // Explicit weights; throws InvalidConfig naming the first array of the wrong length.
    static FastGrnnGate from_weights(size_t input_dim, size_t hidden_dim, std::vector<float> w_gate,
                                     std::vector<float> u_gate, std::vector<float> w_update,
                                     std::vector<float> u_update, std::vector<float> b_gate,
                                     std::vector<float> b_update, float zeta, float nu);

    size_t input_dim() const { return input_dim_; }
    size_t hidden_dim() const { return hidden_dim_; }

    // One cell step: h_next = cell(x, h); x has input_dim floats, h and h_next hidden_dim (distinct buffers).
    void step(const float* x, const float* h, float* h_next) const;
    // (h', ||h'||) for input x and state h.
    std::pair<std::vector<float>, float> step_with_hidden(const std::vector<float>& x, const std::vector<float>& h) const;
    // Saliences of a sequence of tokens (flat, input_dim floats each), from h = 0. Throws InvalidConfig when
    // the length is not a multiple of input_dim.
    std::vector<float> score_sequence(const std::vector<float>& tokens) const;
    // score_sequence of k's per-token mean over heads; k.dim() must equal input_dim (else InvalidConfig).
    std::vector<float> score_kv(const Tensor3& k) const;

    // Keeps the k most salient (ties: lower index first; NaN ranks lowest). k = 0: none; k >= n: all.
    static std::vector<bool> keep_mask_top_k(const std::vector<float>& salience, size_t k);
    // Keeps s >= the q-quantile (q clamped to [0, 1]; threshold = ascending[min(floor(n q), n - 1)]).
    static std::vector<bool> keep_mask_quantile(const std::vector<float>& salience, float q);

private:
    FastGrnnGate() = default;
    // Saliences of n_tokens steps from h = 0; input(t) returns token t's input_dim floats.
    template <typename Input>
    void salience_steps(size_t n_tokens, Input&& input, float* saliences) const;

    size_t input_dim_ = 0;
    size_t hidden_dim_ = 0;
    std::vector<float> w_gate_, u_gate_, w_update_, u_update_;  // [hidden][input], [hidden][hidden]
    std::vector<float> b_gate_, b_update_;                      // [hidden]
    float zeta_ = 1.0f;
    float nu_ = 0.0f;
};

}  // namespace kernels
