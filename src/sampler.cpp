#include "src/sampler.h"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "src/runtime_error.h"

namespace runtime {
namespace {

bool better(const Sampler::Candidate& a, const Sampler::Candidate& b) {
    return a.logit > b.logit || (a.logit == b.logit && a.id < b.id);
}

}  // namespace

int32_t argmax(const float* x, int64_t n) {
    int64_t best = 0;
    for (int64_t i = 1; i < n; ++i)
        if (x[i] > x[best]) best = i;
    return static_cast<int32_t>(best);
}

Sampler::Sampler(const SamplerParams& params, int64_t n_vocab)
    : params_(params), n_vocab_(n_vocab), rng_(params.seed) {
    if (n_vocab < 1) throw Error("sampler: empty vocabulary");
    if (params.top_k < 0) throw Error(fmt::format("sampler: top-k {} is negative", params.top_k));
    if (!(params.top_p >= 0.0f && params.top_p <= 1.0f)) throw Error(fmt::format("sampler: top-p {} is outside [0, 1]", params.top_p));
    if (!(params.min_p >= 0.0f && params.min_p <= 1.0f)) throw Error(fmt::format("sampler: min-p {} is outside [0, 1]", params.min_p));
    if (!(params.repeat_penalty > 0.0f)) throw Error(fmt::format("sampler: repeat penalty {} must be positive", params.repeat_penalty));
    if (std::isnan(params.temperature)) throw Error("sampler: temperature is NaN");
    if (params.repeat_last_n >= kVisited)
        throw Error(fmt::format("sampler: repeat window {} is too long (at most {})", params.repeat_last_n, kVisited - 1));
    candidates_.reserve(static_cast<size_t>(n_vocab));
    recent_.resize(static_cast<size_t>(std::max(params.repeat_last_n, 0)));
    recent_uses_.assign(static_cast<size_t>(n_vocab), 0);
}

void Sampler::accept(int32_t token) {
    if (recent_.empty() || token < 0 || token >= n_vocab_) return;
    if (recent_count_ == recent_.size()) --recent_uses_[static_cast<size_t>(recent_[recent_next_])];
    else ++recent_count_;
    recent_[recent_next_] = token;
    ++recent_uses_[static_cast<size_t>(token)];
    recent_next_ = (recent_next_ + 1) % recent_.size();
}

void Sampler::reset_history() {
    for (size_t i = 0; i < recent_count_; ++i) recent_uses_[static_cast<size_t>(recent_[i])] = 0;
    recent_next_ = recent_count_ = 0;
}

// Each distinct token of the window once: the ring may hold a token several times, so a visited mark (the
// top bit of its use count) skips the repeats and is cleared afterwards.
void Sampler::apply_penalty(float* logits) {
    if (params_.repeat_penalty == 1.0f) return;
    for (size_t i = 0; i < recent_count_; ++i) {
        uint16_t& uses = recent_uses_[static_cast<size_t>(recent_[i])];
        if (uses & kVisited) continue;
        float& l = logits[recent_[i]];
        l = l > 0.0f ? l / params_.repeat_penalty : l * params_.repeat_penalty;
        uses |= kVisited;
    }
    for (size_t i = 0; i < recent_count_; ++i) recent_uses_[static_cast<size_t>(recent_[i])] &= static_cast<uint16_t>(~kVisited);
}

const std::vector<Sampler::Candidate>& Sampler::filter(float* logits) {
    apply_penalty(logits);
    candidates_.clear();
    if (params_.greedy()) {
        const int32_t best = argmax(logits, n_vocab_);
        candidates_.push_back({best, logits[best], 1.0f});
        return candidates_;
    }
    for (int64_t i = 0; i < n_vocab_; ++i) candidates_.push_back({static_cast<int32_t>(i), logits[i], 0.0f});
    if (params_.top_k > 0) {
        keep_top_k(static_cast<size_t>(params_.top_k));
    } else if (params_.top_p < 1.0f || params_.min_p > 0.0f) {
        std::sort(candidates_.begin(), candidates_.end(), better);
    } else {  // the whole vocabulary: no order needed but the best first (normalise's reference), no sort
        std::iter_swap(candidates_.begin(), std::min_element(candidates_.begin(), candidates_.end(), better));
    }
    if (params_.top_p < 1.0f) keep_top_p();
    if (params_.min_p > 0.0f) keep_min_p();
    normalise(params_.temperature);
    return candidates_;
}

int32_t Sampler::sample(float* logits) {
    const std::vector<Candidate>& kept = filter(logits);
    if (kept.size() == 1) return kept[0].id;
    const double u = rng_.uniform();
    double cumulative = 0.0;
    for (const Candidate& c : kept) {
        cumulative += c.p;
        if (u < cumulative) return c.id;
    }
    return kept.back().id;  // u beyond the rounded total
}

void Sampler::keep_top_k(size_t k) {
    k = std::min(k, candidates_.size());
    std::partial_sort(candidates_.begin(), candidates_.begin() + static_cast<std::ptrdiff_t>(k), candidates_.end(), better);
    candidates_.resize(k);
}

void Sampler::keep_top_p() {
    normalise(1.0f);
    double cumulative = 0.0;
    size_t keep = 0;
    while (keep < candidates_.size() && cumulative < params_.top_p) cumulative += candidates_[keep++].p;
    candidates_.resize(std::max<size_t>(keep, 1));
}

void Sampler::keep_min_p() {
    // p_i >= min_p * p_max  <=>  logit_i >= logit_max + log(min_p)
    const float threshold = candidates_[0].logit + std::log(params_.min_p);
    size_t keep = 1;
    while (keep < candidates_.size() && candidates_[keep].logit >= threshold) ++keep;
    candidates_.resize(keep);
}

void Sampler::normalise(float temperature) {
    const float max = candidates_[0].logit;
    double sum = 0.0;
    for (Candidate& c : candidates_) {
        c.p = std::exp((c.logit - max) / temperature);
        sum += c.p;
    }
    for (Candidate& c : candidates_) c.p = static_cast<float>(c.p / sum);
}

}  // namespace runtime
