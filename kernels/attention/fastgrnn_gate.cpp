#include "kernels/attention/fastgrnn_gate.h"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <numeric>
#include <string>

#include "kernels/attention/attention_error.h"

namespace kernels {
namespace {

// Spec §6.2, evaluated left to right in float as the crate does.
float seed_weight(size_t n, float scale) {
    const uint32_t r = static_cast<uint32_t>(n) * 2654435761u + 0x9e3779b9u;
    return ((static_cast<float>(r) / 4294967296.0f - 0.5f) * 2.0f) * scale * 0.1f;
}

std::vector<float> seeded_matrix(size_t count, size_t offset, float scale) {
    std::vector<float> m(count);
    for (size_t i = 0; i < count; ++i) m[i] = seed_weight(i + offset, scale);
    return m;
}

// Row r of [W | U] applied to [x | h]: the W part first, then the U part, sequentially.
float gate_preactivation(const float* w_row, const float* x, size_t n_in, const float* u_row, const float* h,
                         size_t n_hidden) {
    float sum = 0.0f;
    for (size_t i = 0; i < n_in; ++i) sum += w_row[i] * x[i];
    for (size_t j = 0; j < n_hidden; ++j) sum += u_row[j] * h[j];
    return sum;
}

float l2_norm(const float* h, size_t n) {
    float sum = 0.0f;
    for (size_t i = 0; i < n; ++i) sum += h[i] * h[i];
    return std::sqrt(sum);
}

// NaN ranks below every number; otherwise plain ordering.
bool less_nan_first(float a, float b) {
    if (std::isnan(a)) return !std::isnan(b);
    if (std::isnan(b)) return false;
    return a < b;
}

}  // namespace

FastGrnnGate::FastGrnnGate(size_t input_dim, size_t hidden_dim) : input_dim_(input_dim), hidden_dim_(hidden_dim) {
    if (input_dim == 0 || hidden_dim == 0) throw InvalidConfig("FastGrnnGate dims must be greater than zero");
    const float scale = std::sqrt(2.0f / static_cast<float>(input_dim + hidden_dim));
    w_gate_ = seeded_matrix(hidden_dim * input_dim, 0, scale);
    u_gate_ = seeded_matrix(hidden_dim * hidden_dim, 1000, scale);
    w_update_ = seeded_matrix(hidden_dim * input_dim, 2000, scale);
    u_update_ = seeded_matrix(hidden_dim * hidden_dim, 3000, scale);
    b_gate_.assign(hidden_dim, 0.0f);
    b_update_.assign(hidden_dim, 0.0f);
}

FastGrnnGate FastGrnnGate::from_weights(size_t input_dim, size_t hidden_dim, std::vector<float> w_gate,
                                        std::vector<float> u_gate, std::vector<float> w_update,
                                        std::vector<float> u_update, std::vector<float> b_gate,
                                        std::vector<float> b_update, float zeta, float nu) {
    if (input_dim == 0 || hidden_dim == 0) throw InvalidConfig("FastGrnnGate dims must be greater than zero");
    auto expect = [](const std::vector<float>& w, size_t n, const char* name) {
        if (w.size() != n)
            throw InvalidConfig(std::string("FastGrnnGate ") + name + " has " + std::to_string(w.size()) +
                                " values, expected " + std::to_string(n));
    };
    expect(w_gate, input_dim * hidden_dim, "w_gate");
    expect(u_gate, hidden_dim * hidden_dim, "u_gate");
    expect(w_update, input_dim * hidden_dim, "w_update");
    expect(u_update, hidden_dim * hidden_dim, "u_update");
    expect(b_gate, hidden_dim, "b_gate");
    expect(b_update, hidden_dim, "b_update");
    FastGrnnGate gate;
    gate.input_dim_ = input_dim;
    gate.hidden_dim_ = hidden_dim;
    gate.w_gate_ = std::move(w_gate);
    gate.u_gate_ = std::move(u_gate);
    gate.w_update_ = std::move(w_update);
    gate.u_update_ = std::move(u_update);
    gate.b_gate_ = std::move(b_gate);
    gate.b_update_ = std::move(b_update);
    gate.zeta_ = zeta;
    gate.nu_ = nu;
    return gate;
}

void FastGrnnGate::step(const float* x, const float* h, float* h_next) const {
    for (size_t r = 0; r < hidden_dim_; ++r) {
        const float g_pre = gate_preactivation(&w_gate_[r * input_dim_], x, input_dim_, &u_gate_[r * hidden_dim_], h,
                                               hidden_dim_) + b_gate_[r];
        const float c_pre = gate_preactivation(&w_update_[r * input_dim_], x, input_dim_,
                                               &u_update_[r * hidden_dim_], h, hidden_dim_) + b_update_[r];
        const float g = 1.0f / (1.0f + std::exp(-g_pre));
        const float c = std::tanh(c_pre);
        const float gf = std::clamp(zeta_ * g + nu_, 0.0f, 1.0f);
        h_next[r] = gf * h[r] + (1.0f - gf) * c;
    }
}

std::pair<std::vector<float>, float> FastGrnnGate::step_with_hidden(const std::vector<float>& x,
                                                                    const std::vector<float>& h) const {
    if (x.size() != input_dim_ || h.size() != hidden_dim_)
        throw InvalidConfig("FastGrnnGate step: x has " + std::to_string(x.size()) + " values, h " +
                            std::to_string(h.size()) + "; expected " + std::to_string(input_dim_) + " and " +
                            std::to_string(hidden_dim_));
    std::vector<float> next(hidden_dim_);
    step(x.data(), h.data(), next.data());
    const float norm = l2_norm(next.data(), hidden_dim_);
    return {std::move(next), norm};
}

template <typename Input>
void FastGrnnGate::salience_steps(size_t n_tokens, Input&& input, float* saliences) const {
    std::vector<float> h(hidden_dim_, 0.0f), next(hidden_dim_);
    for (size_t t = 0; t < n_tokens; ++t) {
        step(input(t), h.data(), next.data());
        h.swap(next);
        saliences[t] = l2_norm(h.data(), hidden_dim_);
    }
}

std::vector<float> FastGrnnGate::score_sequence(const std::vector<float>& tokens) const {
    if (tokens.size() % input_dim_ != 0)
        throw InvalidConfig("FastGrnnGate score_sequence: " + std::to_string(tokens.size()) +
                            " values is not a whole number of tokens of " + std::to_string(input_dim_));
    std::vector<float> saliences(tokens.size() / input_dim_);
    salience_steps(
        saliences.size(), [&](size_t t) { return tokens.data() + t * input_dim_; }, saliences.data());
    return saliences;
}

std::vector<float> FastGrnnGate::score_kv(const Tensor3& k) const {
    if (k.dim() != input_dim_)
        throw InvalidConfig("FastGrnnGate input_dim " + std::to_string(input_dim_) + " != k dim " +
                            std::to_string(k.dim()));
    // Each token's mean is formed just before its step, while its rows are in cache: no pass over all of k.
    std::vector<float> mean(k.dim());
    const float inv_heads = k.heads() ? 1.0f / static_cast<float>(k.heads()) : 0.0f;
    std::vector<float> saliences(k.seq());
    salience_steps(
        k.seq(),
        [&](size_t t) {
            std::fill(mean.begin(), mean.end(), 0.0f);
            for (size_t h = 0; h < k.heads(); ++h) {
                const float* row = k.row(t, h);
                for (size_t d = 0; d < k.dim(); ++d) mean[d] += row[d] * inv_heads;
            }
            return mean.data();
        },
        saliences.data());
    return saliences;
}

std::vector<bool> FastGrnnGate::keep_mask_top_k(const std::vector<float>& salience, size_t k) {
    const size_t n = salience.size();
    if (k >= n) return std::vector<bool>(n, true);
    std::vector<size_t> order(n);
    std::iota(order.begin(), order.end(), size_t{0});
    // Descending salience, ties by lower index: a total order, so selecting the first k (linear time)
    // keeps the same set as the crate's stable sort.
    const auto ranks_before = [&](size_t a, size_t b) {
        if (less_nan_first(salience[b], salience[a])) return true;
        return !less_nan_first(salience[a], salience[b]) && a < b;
    };
    std::nth_element(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(k), order.end(), ranks_before);
    std::vector<bool> mask(n, false);
    for (size_t i = 0; i < k; ++i) mask[order[i]] = true;
    return mask;
}

std::vector<bool> FastGrnnGate::keep_mask_quantile(const std::vector<float>& salience, float q) {
    const size_t n = salience.size();
    if (n == 0) return {};
    const float clamped = std::isnan(q) ? 0.0f : std::clamp(q, 0.0f, 1.0f);
    std::vector<float> sorted(salience);
    std::sort(sorted.begin(), sorted.end(), less_nan_first);
    const auto idx = static_cast<size_t>(std::floor(static_cast<float>(n) * clamped));
    const float threshold = sorted[std::min(idx, n - 1)];
    std::vector<bool> mask(n);
    for (size_t i = 0; i < n; ++i) mask[i] = salience[i] >= threshold;
    return mask;
}

}  // namespace kernels
