// SparseAttention: construction and the prefill entry points (forward, GQA, flash, gated, edge estimate).
#include "kernels/attention/sparse_attention.h"

#include "kernels/attention/attention_core.h"
#include "kernels/attention/shape_checks.h"

namespace kernels {
namespace {

// Queries whose candidate lists are built together before the heads run over them.
constexpr size_t kForwardChunk = 64;

}  // namespace

SparseAttention::SparseAttention(SparseAttentionConfig config, ThreadPool* pool)
    : config_(std::move(config)), pool_(pool), workspace_(std::make_unique<detail::Workspace>()) {
    config_.validate();
    if (!pool_ && config_.threads > 1) {
        owned_pool_ = std::make_unique<ThreadPool>(config_.threads);
        pool_ = owned_pool_.get();
    }
}

SparseAttention::~SparseAttention() = default;
SparseAttention::SparseAttention(SparseAttention&&) noexcept = default;
SparseAttention& SparseAttention::operator=(SparseAttention&&) noexcept = default;

Tensor3 SparseAttention::forward(const Tensor3& q, const Tensor3& k, const Tensor3& v) {
    detail::validate_qkv(q, k, v);
    return run_forward(q, k, v, false, 0, nullptr);
}

Tensor3 SparseAttention::forward_gqa(const Tensor3& q, const Tensor3& k, const Tensor3& v) {
    detail::validate_gqa(q, k, v);
    return run_forward(q, k, v, false, 0, nullptr);
}

Tensor3 SparseAttention::forward_auto(const Tensor3& q, const Tensor3& k, const Tensor3& v) {
    return q.heads() == k.heads() ? forward(q, k, v) : forward_gqa(q, k, v);
}

Tensor3 SparseAttention::forward_flash(const Tensor3& q, const Tensor3& k, const Tensor3& v, size_t tile) {
    detail::validate_qkv(q, k, v);
    return run_forward(q, k, v, true, tile, nullptr);
}

Tensor3 SparseAttention::forward_gqa_flash(const Tensor3& q, const Tensor3& k, const Tensor3& v, size_t tile) {
    detail::validate_gqa(q, k, v);
    return run_forward(q, k, v, true, tile, nullptr);
}

Tensor3 SparseAttention::forward_gated(const Tensor3& q, const Tensor3& k, const Tensor3& v,
                                       const std::vector<bool>& keep_mask) {
    detail::validate_qkv(q, k, v);
    if (keep_mask.size() != q.seq())
        throw InvalidConfig("keep_mask len " + std::to_string(keep_mask.size()) + " != seq " +
                            std::to_string(q.seq()));
    return run_forward(q, k, v, false, 0, &keep_mask);
}

Tensor3 SparseAttention::forward_gated_with_fastgrnn(const Tensor3& q, const Tensor3& k, const Tensor3& v,
                                                     const FastGrnnGate& gate, size_t top_k) {
    detail::validate_qkv(q, k, v);
    return forward_gated(q, k, v, FastGrnnGate::keep_mask_top_k(gate.score_kv(k), top_k));
}

Tensor3 SparseAttention::run_forward(const Tensor3& q, const Tensor3& k, const Tensor3& v, bool flash,
                                     size_t tile, const std::vector<bool>* keep_mask) {
    Tensor3 out = Tensor3::zeros(q.seq(), q.heads(), q.dim());
    if (q.seq() == 0) return out;
    detail::ChunkCandidates::Options options;
    options.keep_mask = keep_mask;
    options.keep_always = &config_.global_tokens;
    options.sort = !flash && config_.sort_candidates;
    // Flash visits `tile` queries at a time so their window keys stay cache-resident; the per-query fold
    // order does not depend on the tile, so neither does the result.
    const size_t chunk = flash ? (tile != 0 ? tile : std::max<size_t>(config_.window, 1)) : kForwardChunk;
    detail::Workspace& ws = *workspace_;
    const size_t seq = q.seq();
    detail::attend_all(q, k, v, config_.use_landmarks ? config_.block_size : 0,
                       flash ? detail::FoldOrder::Flash : detail::FoldOrder::TokensThenBlocks, !options.sort, chunk,
                       ws, pool_,
                       [&](size_t i) { ws.chunk.add(ws.builder, i, seq, config_, options); }, out);
    return out;
}

size_t SparseAttention::estimate_sparse_edges(size_t seq) { return count_edges(seq, nullptr); }

size_t SparseAttention::estimate_gated_edges(const std::vector<bool>& keep_mask) {
    return count_edges(keep_mask.size(), &keep_mask);
}

size_t SparseAttention::count_edges(size_t seq, const std::vector<bool>* keep_mask) {
    detail::Workspace& ws = *workspace_;
    detail::ChunkCandidates::Options options;
    options.keep_mask = keep_mask;
    options.keep_always = &config_.global_tokens;
    size_t edges = 0;
    for (size_t i = 0; i < seq; ++i) {
        ws.chunk.clear();
        ws.chunk.add(ws.builder, i, seq, config_, options);
        const detail::QueryCandidates& c = ws.chunk.resolve().front();
        edges += c.tokens.n + c.blocks.n;
    }
    return edges;
}

}  // namespace kernels
