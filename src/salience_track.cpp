#include "src/salience_track.h"

#include <algorithm>
#include <cmath>

#include "kernels/attention/kv_cache.h"
#include "kernels/common/size_math.h"

namespace runtime {

SalienceTrack::SalienceTrack(size_t n_layer, size_t capacity, size_t kv_heads, size_t head_dim)
    : gate_(head_dim), n_layer_(n_layer), capacity_(capacity), kv_heads_(kv_heads), head_dim_(head_dim),
      salience_(kernels::saturating_mul(n_layer, capacity)), state_(n_layer, std::vector<float>(gate_.hidden_dim())),
      saved_state_(state_), input_(head_dim), next_(gate_.hidden_dim()), order_(capacity), keep_(capacity) {}

SalienceTrack::SalienceTrack(const SalienceTrack& other)
    : gate_(other.gate_), n_layer_(other.n_layer_), capacity_(other.capacity_), kv_heads_(other.kv_heads_),
      head_dim_(other.head_dim_), salience_(other.salience_.size()), state_(other.state_),
      saved_state_(other.saved_state_), input_(other.input_), next_(other.next_), order_(other.order_.size()),
      keep_(other.keep_) {
    *this = other;
}

SalienceTrack& SalienceTrack::operator=(const SalienceTrack& other) {
    if (this == &other) return *this;
    if (salience_.size() != other.salience_.size() || order_.size() != other.order_.size())
        return *this = SalienceTrack(other);
    gate_ = other.gate_;
    n_layer_ = other.n_layer_;
    capacity_ = other.capacity_;
    kv_heads_ = other.kv_heads_;
    head_dim_ = other.head_dim_;
    for (size_t l = 0; l < n_layer_; ++l) salience_.copy_range(other.salience_, l * capacity_, other.used_);
    used_ = other.used_;
    state_ = other.state_;
    saved_state_ = other.saved_state_;
    keep_ = other.keep_;
    return *this;
}

void SalienceTrack::reset() {
    for (auto& h : state_) std::fill(h.begin(), h.end(), 0.0f);
}

void SalienceTrack::append(size_t layer, size_t slot, size_t victim, size_t len_before, const float* k) {
    float* s = salience(layer);
    if (victim != kernels::KvCache::npos) std::copy(s + victim + 1, s + len_before, s + victim);
    std::fill(input_.begin(), input_.end(), 0.0f);
    for (size_t h = 0; h < kv_heads_; ++h)
        for (size_t d = 0; d < head_dim_; ++d) input_[d] += k[h * head_dim_ + d] / static_cast<float>(kv_heads_);
    gate_.step(input_.data(), state_[layer].data(), next_.data());
    state_[layer].swap(next_);
    double norm = 0.0;
    for (float x : state_[layer]) norm += double(x) * x;
    s[slot] = static_cast<float>(std::sqrt(norm));
    used_ = std::max(used_, slot + 1);
}

const std::vector<bool>& SalienceTrack::keep_mask(size_t layer, size_t len, size_t top_k) {
    const float* s = salience(layer);
    std::fill(keep_.begin(), keep_.end(), false);
    top_k = std::min(top_k, len);
    for (size_t i = 0; i < len; ++i) order_[i] = static_cast<uint32_t>(i);
    const auto more_salient = [&](uint32_t a, uint32_t b) { return s[a] > s[b] || (s[a] == s[b] && a < b); };
    std::nth_element(order_.data(), order_.data() + top_k, order_.data() + len, more_salient);
    for (size_t i = 0; i < top_k; ++i) keep_[order_[i]] = true;
    return keep_;
}

}  // namespace runtime
