// The KV caches of one sequence, one per layer (fp16 or f32 rows, fixed capacity), and the runtime's
// attention policies around the kernel library:
// - H2O budget: with a KV budget, a full cache drops its least-attended slot (kernel-collected attention mass;
//   sinks and the recent window protected) for every new row, so generation can run forever. Without it a
//   full cache is an error ("context full").
// - Dense while the context fits the window: a row at slot <= window attends densely, so sparse (and gated)
//   attention equals dense attention until the sequence outgrows the window. (The sparse candidate rules
//   would add landmark block means on top of the already complete window.)
// - Gated: a FastGrnnGate scores every appended key (src/salience_track.h); a query keeps its window, the
//   globals and the `gate_top_k` most salient slots.
// Positions for RoPE are the caller's (absolute, ever growing); the caches work in slot space.
#pragma once

#include <cstddef>
#include <cstdint>
#include <variant>
#include <vector>

#include "kernels/attention/deadline.h"
#include "kernels/attention/kv_cache.h"
#include "kernels/attention/sparse_attention.h"
#include "src/model_config.h"
#include "src/run_config.h"
#include "src/salience_track.h"

namespace runtime {

// How one attention call runs: the run config's attention and gate_top_k at first; the generation loop may
// change them between tokens (deadline degrade).
struct AttendControl {
    kernels::AttentionPath attention = kernels::AttentionPath::Sparse;
    size_t gate_top_k = 64;                          // Gated: salient slots kept beyond window and globals
    const kernels::DeadlineTimer* deadline = nullptr;
};

class KvStore {
public:
    // Every layer's cache, of the run config's KV type.
    using Layers = std::variant<std::vector<kernels::KvCacheF16>, std::vector<kernels::KvCache>>;

    // What the steps change, and what snapshot() copies: the caches (rows, landmarks, attention mass), the
    // saliences and the counters.
    struct State {
        Layers layers;
        SalienceTrack salience;
        size_t len = 0;           // slots in use in every layer (after the last committed step)
        uint64_t evictions = 0;   // rows evicted so far, per layer
        bool evicting = false;    // made for a KV budget: part of the shape restore() checks
        uint64_t id = 0;          // which snapshot() took it (restore's short way back)
    };

    // Reads `config` (which must outlive the store) where it is used: the slots per layer (kv_budget, with
    // H2O eviction, else n_ctx), the KV type and block size, what H2O protects (the window and the globals)
    // and whether saliences are kept (track_salience or the gated path). Throws runtime::Error for a zero
    // capacity or an H2O budget that leaves nothing to evict.
    KvStore(const ModelConfig& model, const RunConfig& config, kernels::SparseAttention& attention);

    size_t len() const { return state_.len; }
    size_t capacity() const;
    bool evicts() const { return config_.kv_budget > 0; }
    // New rows the next step may take: the free slots, or (when full and evicting) the recent window, so a
    // batch never evicts its own rows.
    size_t rows_per_step() const;
    uint64_t evictions() const { return state_.evictions; }
    // Bytes the caches (rows, landmarks, attention mass, salience) hold once every slot is filled.
    uint64_t bytes() const { return bytes_for(model_, config_, capacity()); }
    // Bytes of them in memory now: the caches are paged, so this follows the slots filled so far.
    uint64_t resident_bytes() const;
    // The same for a store of this config holding `capacity` slots per layer, before making one.
    static uint64_t bytes_for(const ModelConfig& model, const RunConfig& config, size_t capacity);

    // Layer `layer`, n new tokens: appends their post-RoPE k, v ([n][kv_heads * head_dim]), then writes the
    // attention of q ([n][n_head * head_dim]) to out (same shape). Layers are called in order 0..n_layer-1
    // with the same n (a step), then commit(). n <= rows_per_step(). May throw kernels::DeadlineExceeded;
    // the caller then calls rollback().
    void attend(int64_t layer, const float* q, const float* k, const float* v, size_t n, float* out,
                const AttendControl& control);
    // Marks the step complete: every layer holds its rows.
    void commit();
    // Undoes the appends of the unfinished step in every layer that made them (slots evicted on the way stay
    // evicted). Cache rows are always whole: a step is either committed or rolled back.
    void rollback();
    void reset();

    // A copy of every layer's cache, the saliences and the counters, only to restore() later.
    State snapshot() const;
    // Makes this store hold what `saved` holds: a snapshot of a store of the same shape (model, KV type,
    // capacity, block size, eviction, saliences), perhaps another transformer's. Copies into the existing
    // buffers -- only the attention mass, landmarks and saliences when this store holds `saved` plus appended
    // rows (taken or restored here, no eviction or reset since), as `bench model` does before each run: the
    // rows, nearly all of a deep cache, are the same already. Throws runtime::Error for another shape.
    void restore(const State& saved);

private:
    template <typename Cache>
    void attend_layer(Cache& cache, size_t layer, const float* q, const float* k, const float* v, size_t n,
                      float* out, const AttendControl& control);
    template <typename Cache>
    void append(Cache& cache, size_t layer, const float* k, const float* v);

    ModelConfig model_;
    const RunConfig& config_;
    kernels::SparseAttention& attention_;
    kernels::H2oPolicy h2o_;        // the kernel's form of the window and globals, made once (no allocation per row)
    std::vector<size_t> appended_;  // rows appended per layer in the current step
    State state_;
    // The id of the snapshot this store holds with rows appended only (0: none); snapshot() sets it.
    mutable uint64_t extends_snapshot_ = 0;
};

}  // namespace runtime
