#include "src/salience_track.h"

#include <algorithm>
#include <cmath>

#include "kernels/attention/kv_cache.h"

namespace runtime {

SalienceTrack::SalienceTrack(size_t n_layer, size_t capacity, size_t kv_heads, size_t head_dim)
    : gate_(head_dim), kv_heads_(kv_heads), head_dim_(head_dim), salience_(n_layer, std::vector<float>(capacity)),
      state_(n_layer, std::vector<float>(gate_.hidden_dim())), saved_state_(state_), input_(head_dim),
      next_(gate_.hidden_dim()), order_(capacity), keep_(capacity) {}

void SalienceTrack::reset() {
    for (auto& h : state_) std::fill(h.begin(), h.end(), 0.0f);
}

void SalienceTrack::append(size_t layer, size_t slot, size_t victim, size_t len_before, const float* k) {
    std::vector<float>& s = salience_[layer];
    if (victim != kernels::KvCache::npos)
        std::copy(s.begin() + static_cast<std::ptrdiff_t>(victim + 1), s.begin() + static_cast<std::ptrdiff_t>(len_before),
                  s.begin() + static_cast<std::ptrdiff_t>(victim));
    std::fill(input_.begin(), input_.end(), 0.0f);
    for (size_t h = 0; h < kv_heads_; ++h)
        for (size_t d = 0; d < head_dim_; ++d) input_[d] += k[h * head_dim_ + d] / static_cast<float>(kv_heads_);
    gate_.step(input_.data(), state_[layer].data(), next_.data());
    state_[layer].swap(next_);
    double norm = 0.0;
    for (float x : state_[layer]) norm += double(x) * x;
    s[slot] = static_cast<float>(std::sqrt(norm));
}

const std::vector<bool>& SalienceTrack::keep_mask(size_t layer, size_t len, size_t top_k) {
    const std::vector<float>& s = salience_[layer];
    std::fill(keep_.begin(), keep_.end(), false);
    top_k = std::min(top_k, len);
    for (size_t i = 0; i < len; ++i) order_[i] = static_cast<uint32_t>(i);
    const auto more_salient = [&](uint32_t a, uint32_t b) { return s[a] > s[b] || (s[a] == s[b] && a < b); };
    std::nth_element(order_.begin(), order_.begin() + static_cast<std::ptrdiff_t>(top_k),
                     order_.begin() + static_cast<std::ptrdiff_t>(len), more_salient);
    for (size_t i = 0; i < top_k; ++i) keep_[order_[i]] = true;
    return keep_;
}

}  // namespace runtime
