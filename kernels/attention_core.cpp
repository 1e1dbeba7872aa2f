#include "kernels/attention_core.h"

#include <algorithm>

namespace kernels::detail {

void ChunkCandidates::clear() {
    tokens_.clear();
    blocks_.clear();
    offsets_.clear();
    max_tokens_ = 0;
    max_window_ = 0;
    max_blocks_ = 0;
}

void ChunkCandidates::add(CandidateBuilder& builder, size_t i, size_t seq, const SparseAttentionConfig& config,
                          const Options& options) {
    Offsets o{};
    o.position = i;
    o.token_begin = tokens_.size();
    o.block_begin = blocks_.size();
    o.window_end = o.token_begin + builder.build(i, seq, config, tokens_, blocks_);
    if (options.keep_mask) {  // stable filter of the scattered part: window (and self) always survive
        const std::vector<bool>& mask = *options.keep_mask;
        auto dropped = [&](uint32_t j) {
            if (mask[j]) return false;
            const auto& always = *options.keep_always;
            return std::find(always.begin(), always.end(), size_t{j}) == always.end();
        };
        tokens_.erase(std::remove_if(tokens_.begin() + static_cast<ptrdiff_t>(o.window_end), tokens_.end(), dropped),
                      tokens_.end());
    }
    o.token_end = tokens_.size();
    o.block_end = blocks_.size();
    if (options.sort) {
        std::sort(tokens_.begin() + static_cast<ptrdiff_t>(o.token_begin), tokens_.end());
        std::sort(blocks_.begin() + static_cast<ptrdiff_t>(o.block_begin), blocks_.end());
    }
    max_tokens_ = std::max(max_tokens_, o.token_end - o.token_begin);
    max_window_ = std::max(max_window_, o.window_end - o.token_begin);
    max_blocks_ = std::max(max_blocks_, o.block_end - o.block_begin);
    offsets_.push_back(o);
}

void ChunkCandidates::add_dense(size_t i, size_t seq, bool causal) {
    const size_t n = causal ? i + 1 : seq;
    Offsets o{};
    o.position = i;
    o.token_begin = tokens_.size();
    for (size_t j = 0; j < n; ++j) tokens_.push_back(static_cast<uint32_t>(j));
    o.window_end = o.token_end = tokens_.size();
    o.block_begin = o.block_end = blocks_.size();
    max_tokens_ = std::max(max_tokens_, n);
    max_window_ = std::max(max_window_, n);
    offsets_.push_back(o);
}

const std::vector<QueryCandidates>& ChunkCandidates::resolve() {
    resolved_.resize(offsets_.size());
    for (size_t q = 0; q < offsets_.size(); ++q) {
        const Offsets& o = offsets_[q];
        QueryCandidates& c = resolved_[q];
        c.position = o.position;
        c.token_offset = o.token_begin;
        c.tokens = {tokens_.data() + o.token_begin, o.token_end - o.token_begin};
        c.window = {tokens_.data() + o.token_begin, o.window_end - o.token_begin};
        c.scattered = {tokens_.data() + o.window_end, o.token_end - o.window_end};
        c.blocks = {blocks_.data() + o.block_begin, o.block_end - o.block_begin};
    }
    return resolved_;
}

}  // namespace kernels::detail
