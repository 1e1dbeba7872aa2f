// SparseAttention: the sub-quadratic sparse attention kernel (port of ruvllm_sparse_attention 0.1.1, spec
// ../shared/spec/sparse-attention.md). Each query i attends, per head, to the token candidates T(i)
// (local window, global tokens, log-stride lookback) and the landmark blocks L(i) (block means of K/V),
// through one online softmax; scale = 1/sqrt(dim). See kernels/candidates.h for the exact candidate rules.
//
// Shapes: q, k, v are Tensor3 [seq, heads, dim]. MHA entry points need identical shapes; the GQA ones take
// q [seq, q_heads, dim] and k, v [seq, kv_heads, dim] with q_heads % kv_heads == 0, and q head h reads kv
// head h / (q_heads / kv_heads). Outputs are [seq, q_heads, dim]. Bad input throws ShapeMismatch or
// InvalidConfig (kernels/attention_error.h) before any work; seq == 0 returns an empty tensor.
//
// Threads: with a ThreadPool (given, or owned when config.threads > 1) heads run in parallel; results are
// bit-identical for any thread count. One SparseAttention must be used by one thread at a time (it owns
// reusable scratch, so calls are non-const).
//
// Numerics: same candidate sets as the crate; the SIMD dot products and the chunked online softmax round
// differently from the crate's sequential sums (goldens agree within 1e-5). Invariants that are exact:
// forward_gated with an all-true mask == forward; forward_auto == forward_gqa; results independent of tile
// size and thread count.
#pragma once

#include <cstddef>
#include <memory>
#include <vector>

#include "kernels/attention_config.h"
#include "kernels/attention_error.h"
#include "kernels/fastgrnn_gate.h"
#include "kernels/tensor3.h"
#include "kernels/thread_pool.h"

namespace kernels {

namespace detail {
struct Workspace;
}

class SparseAttention {
public:
    // Throws InvalidConfig for a zero block size. `pool` (optional, not owned) runs heads in parallel.
    explicit SparseAttention(SparseAttentionConfig config, ThreadPool* pool = nullptr);
    ~SparseAttention();
    SparseAttention(SparseAttention&&) noexcept;
    SparseAttention& operator=(SparseAttention&&) noexcept;

    const SparseAttentionConfig& config() const { return config_; }

    // MHA: tokens (list order) then landmarks; applies sort_candidates.
    Tensor3 forward(const Tensor3& q, const Tensor3& k, const Tensor3& v);
    // GQA/MQA (ADR-190); group 1 == forward.
    Tensor3 forward_gqa(const Tensor3& q, const Tensor3& k, const Tensor3& v);
    // forward when q.heads == k.heads, else forward_gqa.
    Tensor3 forward_auto(const Tensor3& q, const Tensor3& k, const Tensor3& v);
    // Flash order (spec §4.4): window tokens, then landmarks, then the scattered tokens, `tile` queries (and
    // their window keys) at a time; tile 0 = max(window, 1). Ignores sort_candidates. Within 1e-4 of forward,
    // independent of tile.
    Tensor3 forward_flash(const Tensor3& q, const Tensor3& k, const Tensor3& v, size_t tile);
    Tensor3 forward_gqa_flash(const Tensor3& q, const Tensor3& k, const Tensor3& v, size_t tile);
    // MHA with T(i) stable-filtered to: the window (self included), the global tokens, and j with
    // keep_mask[j]; landmarks unfiltered (spec §4.5). keep_mask.size() must equal seq (else InvalidConfig).
    Tensor3 forward_gated(const Tensor3& q, const Tensor3& k, const Tensor3& v, const std::vector<bool>& keep_mask);
    // forward_gated with keep_mask = keep_mask_top_k(gate.score_kv(k), top_k).
    Tensor3 forward_gated_with_fastgrnn(const Tensor3& q, const Tensor3& k, const Tensor3& v, const FastGrnnGate& gate,
                                        size_t top_k);

    // Σ_i |T(i)| + |L(i)| over a causal-or-not sequence of length seq, per head (spec §4.7, §9.3).
    size_t estimate_sparse_edges(size_t seq);

private:
    Tensor3 run_forward(const Tensor3& q, const Tensor3& k, const Tensor3& v, bool flash, size_t tile,
                        const std::vector<bool>* keep_mask);

    SparseAttentionConfig config_;
    std::unique_ptr<ThreadPool> owned_pool_;
    ThreadPool* pool_ = nullptr;
    std::unique_ptr<detail::Workspace> workspace_;
};

}  // namespace kernels
