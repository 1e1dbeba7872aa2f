// The KV caches of one sequence, one per layer (fp16 or f32 rows, fixed capacity), and the runtime's
// attention policies around the kernel library:
// - H2O budget: with `evict`, a full cache drops its least-attended slot (kernel-collected attention mass;
//   sinks and the recent window protected) for every new row, so generation can run forever. Without it a
//   full cache is an error ("context full").
// - Dense while the context fits the window: a row at slot <= window attends densely, so sparse (and gated)
//   attention equals dense attention until the sequence outgrows the window. (The sparse candidate rules
//   would add landmark block means on top of the already complete window.)
// - Gated: a FastGrnnGate scores every appended key (mean over kv heads) with a per-layer running state; a
//   query keeps its window, the globals and the `gate_top_k` most salient slots.
// Positions for RoPE are the caller's (absolute, ever growing); the caches work in slot space.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>

#include "kernels/attention/attention_config.h"
#include "kernels/attention/deadline.h"
#include "kernels/attention/sparse_attention.h"
#include "src/model_config.h"

namespace runtime {

enum class AttentionMode { Dense, Sparse, Gated };

struct KvStoreOptions {
    size_t capacity = 0;           // slots per layer
    bool evict = false;            // H2O eviction when full (a KV budget), else full = error
    kernels::KvDtype dtype = kernels::KvDtype::F16;
    size_t block_size = 64;        // landmark block size (== the attention config's)
    kernels::H2oPolicy h2o;        // protected slots when evicting
    bool track_salience = false;   // keep FastGRNN saliences (needed for the gated path)
};

// How one attention call runs; the generation loop may change it between tokens (deadline degrade).
struct AttendControl {
    AttentionMode mode = AttentionMode::Sparse;
    size_t gate_top_k = 64;                          // Gated: salient slots kept beyond window and globals
    const kernels::DeadlineTimer* deadline = nullptr;
};

class KvStore {
public:
    // Throws runtime::Error for a zero capacity or an H2O budget that leaves nothing to evict.
    static std::unique_ptr<KvStore> create(const ModelConfig& config, const KvStoreOptions& options,
                                           kernels::SparseAttention& attention);
    virtual ~KvStore() = default;

    // Slots in use in every layer (after the last committed step).
    size_t len() const { return len_; }
    size_t capacity() const { return options_.capacity; }
    bool evicts() const { return options_.evict; }
    // New rows the next step may take: the free slots, or (when full and evicting) the recent window, so a
    // batch never evicts its own rows.
    size_t rows_per_step() const;
    // Rows evicted so far, per layer.
    uint64_t evictions() const { return evictions_; }
    // Bytes held by the caches (rows, landmarks, attention mass, salience).
    uint64_t bytes() const { return bytes_for(config_, options_); }
    // The same for a store of this shape, before making one (for memory budgets).
    static uint64_t bytes_for(const ModelConfig& config, const KvStoreOptions& options);

    // Layer `layer`, n new tokens: appends their post-RoPE k, v ([n][kv_heads * head_dim]), then writes the
    // attention of q ([n][n_head * head_dim]) to out (same shape). Layers are called in order 0..n_layer-1
    // with the same n (a step), then commit(). n <= rows_per_step(). May throw kernels::DeadlineExceeded;
    // the caller then calls rollback().
    virtual void attend(int64_t layer, const float* q, const float* k, const float* v, size_t n, float* out,
                        const AttendControl& control) = 0;
    // Marks the step complete: every layer holds its rows.
    virtual void commit() = 0;
    // Undoes the appends of the unfinished step in every layer that made them (slots evicted on the way stay
    // evicted). Cache rows are always whole: a step is either committed or rolled back.
    virtual void rollback() = 0;
    virtual void reset() = 0;

    // A copy of every layer's cache (rows, landmarks, attention mass, saliences), only to restore() later.
    virtual std::unique_ptr<KvStore> snapshot() const = 0;
    // Makes this store hold what `saved` holds: a snapshot of a store of the same model and options, perhaps
    // another transformer's. Copies into the existing buffers. Throws runtime::Error for another shape.
    virtual void restore(const KvStore& saved) = 0;

protected:
    KvStore(const ModelConfig& config, const KvStoreOptions& options) : config_(config), options_(options) {}

    ModelConfig config_;
    KvStoreOptions options_;
    size_t len_ = 0;
    uint64_t evictions_ = 0;
};

}  // namespace runtime
