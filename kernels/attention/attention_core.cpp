#include "kernels/attention/attention_core.h"

#include <algorithm>

#include "kernels/common/size_math.h"

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

namespace {

void stage_rows(const Tensor3& x, size_t block_size, std::vector<float>& rows, std::vector<float>& means) {
    const size_t seq = x.seq(), heads = x.heads(), dim = x.dim();
    const size_t n_blocks = block_size ? ceil_div(seq, block_size) : 0;
    rows.resize(x.size());
    means.assign(heads * n_blocks * dim, 0.0f);
    for (size_t t = 0; t < seq; ++t) {
        const size_t block = block_size ? t / block_size : 0;
        for (size_t h = 0; h < heads; ++h) {
            const float* row = x.row(t, h);
            std::copy(row, row + dim, rows.data() + (h * seq + t) * dim);
            if (!block_size) continue;
            float* mean = means.data() + (h * n_blocks + block) * dim;
            for (size_t d = 0; d < dim; ++d) mean[d] += row[d];
        }
        const bool block_done = block_size && (t + 1 == seq || (t + 1) % block_size == 0);
        if (!block_done) continue;
        const float count = static_cast<float>(t + 1 - block * block_size);
        for (size_t h = 0; h < heads; ++h) {
            float* mean = means.data() + (h * n_blocks + block) * dim;
            for (size_t d = 0; d < dim; ++d) mean[d] /= count;
        }
    }
}

}  // namespace

void stage_kv(const Tensor3& k, const Tensor3& v, size_t block_size, Workspace& ws) {
    stage_rows(k, block_size, ws.keys_by_head, ws.landmark_keys);
    stage_rows(v, block_size, ws.values_by_head, ws.landmark_values);
}

}  // namespace kernels::detail
