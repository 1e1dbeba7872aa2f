// SparseAttention: the sub-quadratic sparse attention kernel (port of ruvllm_sparse_attention 0.1.1, spec
// ../shared/spec/sparse-attention.md). Each query i attends, per head, to the token candidates T(i)
// (local window, global tokens, log-stride lookback) and the landmark blocks L(i) (block means of K/V),
// through one online softmax; scale = 1/sqrt(dim). See kernels/attention/candidates.h for the exact candidate rules.
//
// Shapes: q, k, v are Tensor3 [seq, heads, dim]. MHA entry points need identical shapes; the GQA ones take
// q [seq, q_heads, dim] and k, v [seq, kv_heads, dim] with q_heads % kv_heads == 0, and q head h reads kv
// head h / (q_heads / kv_heads). Outputs are [seq, q_heads, dim]. Bad input throws ShapeMismatch or
// InvalidConfig (kernels/attention/attention_error.h) before any work; seq == 0 returns an empty tensor.
//
// Threads: with a ThreadPool (given, or owned when config.threads > 1) heads run in parallel; results are
// bit-identical for any thread count. One SparseAttention must be used by one thread at a time (it owns
// reusable scratch, so calls are non-const).
//
// Numerics: same candidate sets as the crate; the SIMD dot products and the chunked online softmax round
// differently from the crate's sequential sums (goldens agree within 1e-5). Invariants that are exact:
// forward_gated with an all-true mask == forward; forward_auto == forward_gqa; results independent of tile
// size and thread count.
//
// Decode against a KV cache (kernels/attention/kv_cache.h), and the runtime's per-layer use of it:
//
//   SparseAttention attn(config, &pool);               // one per model (or per thread); shared by all layers
//   attn.warm_up(9, 3, 64);                            // once after load: touches code and scratch
//   KvCacheF16 cache(budget, 3, 64, config.block_size);    // one per layer; fixed capacity, post-RoPE keys
//   // decode one token (q: [9][64] floats after RoPE at absolute position n_past; k, v: [3][64]):
//   cache.append_row(k, v);                            // or cache.append_evicting(k, v, h2o) with a budget
//   attn.attend_cached(q, 1, 9, cache, out);           // out: [9][64]
//   // batched prefill of n prompt tokens (rows appended first, row r attends as position len - n + r):
//   for (r...) cache.append_row(k + r * 192, v + r * 192);
//   attn.attend_cached(q, n, 9, cache, out);           // q, out: [n][9][64]; == n sequential decodes (1e-5)
//
// attend_cached never allocates once its scratch has grown to the largest batch and cache length seen; it
// runs the q heads on the pool. CacheAttendOptions picks the path: Sparse (the candidate rules), Dense (every
// slot 0..position, for `--attention dense`), or Gated (T(i) filtered by a keep mask over slots, e.g. from
// FastGrnnGate saliences). Each call adds the softmax mass of every token candidate to
// cache.attention_mass() (summed over q heads), which append_evicting uses to pick H2O victims.
// With a deadline, the call throws DeadlineExceeded at a checkpoint and applies nothing (no mass, and the
// cache rows are untouched: attend_cached never writes rows).
#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <vector>

#include "kernels/attention/attention_config.h"
#include "kernels/attention/attention_error.h"
#include "kernels/attention/deadline.h"
#include "kernels/attention/fastgrnn_gate.h"
#include "kernels/attention/kv_cache.h"
#include "kernels/attention/tensor3.h"
#include "kernels/common/thread_pool.h"

namespace kernels {

namespace detail {
struct Workspace;
}

struct CacheAttendOptions {
    AttentionPath path = AttentionPath::Sparse;
    const std::vector<bool>* keep_mask = nullptr;  // Gated: one flag per slot, at least cache.len() of them
    const DeadlineTimer* deadline = nullptr;       // optional
};

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
    // The same for forward_gated with this mask (seq = keep_mask.size()).
    size_t estimate_gated_edges(const std::vector<bool>& keep_mask);

    // --- decode (spec §5.4, §5.5); append the new token's K/V first, then decode ---
    // q: [1, q_heads, dim] for the last slot of the cache; output [1, q_heads, dim] (zeros for an empty
    // cache). Throws InvalidConfig for q.seq != 1, a head ratio that does not divide, or a cache block size
    // different from the config's; ShapeMismatch for a dim other than the cache's.
    Tensor3 decode_step(const Tensor3& q, KvCache& cache);
    // The fp16 cache; like the crate it ignores sort_candidates.
    Tensor3 decode_step_f16(const Tensor3& q, KvCacheF16& cache);
    // Appends new_k/new_v ([n, kv_heads, dim], all or nothing) and decodes q ([n, q_heads, dim]) row by row:
    // equal to n x (try_append, decode_step).
    Tensor3 decode_batch(const Tensor3& q, const Tensor3& new_k, const Tensor3& new_v, KvCache& cache);
    Tensor3 decode_batch(const Tensor3& q, const Tensor3& new_k, const Tensor3& new_v, KvCacheF16& cache);

    // Deadline variants (spec §7.9): bit-identical to the plain calls when the deadline is far; otherwise
    // DeadlineExceeded. An already expired deadline fails at "candidate_selection" before anything is
    // written; decode_batch rows appended before a later checkpoint stay (whole rows, never half-written).
    Tensor3 decode_step_with_deadline(const Tensor3& q, KvCache& cache, DeadlineTimer::Clock::time_point deadline);
    Tensor3 decode_step_f16_with_deadline(const Tensor3& q, KvCacheF16& cache,
                                          DeadlineTimer::Clock::time_point deadline);
    Tensor3 decode_batch_with_deadline(const Tensor3& q, const Tensor3& new_k, const Tensor3& new_v, KvCache& cache,
                                       DeadlineTimer::Clock::time_point deadline);

    // The runtime entry point (see the top of this file). q and out: n_rows * q_heads * dim floats.
    void attend_cached(const float* q, size_t n_rows, size_t q_heads, KvCache& cache, float* out,
                       const CacheAttendOptions& options = {});
    void attend_cached(const float* q, size_t n_rows, size_t q_heads, KvCacheF16& cache, float* out,
                       const CacheAttendOptions& options = {});

    // ADR-191 warm-up: one synthetic zero token through forward_gqa and the fp16 decode path with the model's
    // head shape. Output discarded; nothing observable changes.
    void warm_up(size_t num_heads, size_t num_kv_heads, size_t head_dim);

private:
    size_t count_edges(size_t seq, const std::vector<bool>* keep_mask);
    template <typename Row>
    void attend_cached_impl(const float* q, size_t n_rows, size_t q_heads, BasicKvCache<Row>& cache, float* out,
                            const CacheAttendOptions& options, bool apply_sort);
    template <typename Row>
    Tensor3 decode(const Tensor3& q, BasicKvCache<Row>& cache, const DeadlineTimer* deadline, bool apply_sort);
    template <typename Row>
    Tensor3 decode_rows(const Tensor3& q, const Tensor3& new_k, const Tensor3& new_v, BasicKvCache<Row>& cache,
                        const DeadlineTimer* deadline);

    Tensor3 run_forward(const Tensor3& q, const Tensor3& k, const Tensor3& v, bool flash, size_t tile,
                        const std::vector<bool>* keep_mask);

    SparseAttentionConfig config_;
    std::unique_ptr<ThreadPool> owned_pool_;
    ThreadPool* pool_ = nullptr;
    std::unique_ptr<detail::Workspace> workspace_;
};

}  // namespace kernels
