// KV caches for incremental decode (spec §5): a fixed-capacity store of post-RoPE K and V rows, head-major
// [kv_heads][capacity][dim] (one head's rows contiguous, so a decode streams them), with incremental
// landmarks (block means) and H2O heavy-hitter eviction.
//
//   KvCache     f32 rows.
//   KvCacheF16  fp16 rows (round-to-nearest-even on append, widened to f32 in the kernels); landmarks stay
//               f32, computed from the unrounded inputs.
//
// Slots vs positions: the cache never re-rotates anything. After an eviction the slots above the victim move
// down by one, and every candidate rule (window, log-stride, blocks, globals) works in slot space from then
// on. The caller keeps the absolute position counter for RoPE (it only ever grows) and applies RoPE to q
// and k before appending/attending.
//
// Attention mass: every decode through SparseAttention adds, for each token candidate j of each q head, the
// normalised softmax probability p_j = exp(s_j - max) / den to attention_mass()[j] (summed over q heads;
// landmark blocks attribute nothing). A new slot starts at 0; eviction compacts the mass with the rows.
//
// Memory: rows, mass and landmarks are sized for the capacity but paged (kernels/attention/paged_array.h),
// so a cache holds in memory about the pages of the slots it has filled (per kv head, K and V: one region
// each, filled from its start); a copy copies only the slots in use. Nothing reads beyond len().
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>
#include <vector>

#include "kernels/attention/landmarks.h"
#include "kernels/attention/paged_array.h"
#include "kernels/attention/tensor3.h"

namespace kernels {

// Which slots H2O eviction protects (spec §5.3): the global (sink) slots and the `recent_window` most recent.
struct H2oPolicy {
    std::vector<size_t> global_tokens{0};
    size_t recent_window = 64;
};

// One float per slot in use (a view into the cache: valid until it changes).
struct SlotValues {
    const float* data = nullptr;
    size_t size = 0;
    const float* begin() const { return data; }
    const float* end() const { return data + size; }
    float operator[](size_t slot) const { return data[slot]; }
};

// Row = float (f32 storage) or uint16_t (IEEE fp16 bit patterns).
template <typename Row>
class BasicKvCache {
public:
    static constexpr size_t npos = std::numeric_limits<size_t>::max();

    // Throws InvalidConfig on a zero kv_heads or dim, or a size overflow; std::bad_alloc when the address
    // space for the capacity cannot be had.
    BasicKvCache(size_t capacity, size_t kv_heads, size_t dim, size_t block_size);
    // A copy holds the same slots (rows, mass, landmarks); only the len() slots in use are copied, so it
    // takes the memory of those. Assigning between caches of one shape reuses the buffers.
    BasicKvCache(const BasicKvCache& other);
    BasicKvCache& operator=(const BasicKvCache& other);
    BasicKvCache(BasicKvCache&&) noexcept = default;
    BasicKvCache& operator=(BasicKvCache&&) noexcept = default;

    size_t len() const { return len_; }
    size_t capacity() const { return capacity_; }
    size_t kv_heads() const { return kv_heads_; }
    size_t dim() const { return dim_; }
    size_t block_size() const { return landmarks_.block_size(); }
    bool is_full() const { return len_ >= capacity_; }

    // Appends one token: k1, v1 are [1, kv_heads, dim]. Throws ShapeMismatch on other shapes and
    // InvalidConfig ("... capacity exceeded ...") when full; nothing is written then.
    void try_append(const Tensor3& k1, const Tensor3& v1);
    // The same from raw rows of kv_heads * dim floats (the runtime's path; sizes are the caller's contract).
    void append_row(const float* k_row, const float* v_row);
    // Appends n tokens ([n, kv_heads, dim]); all or nothing (InvalidConfig "... overflow ..." when they do
    // not fit).
    void append_all(const Tensor3& k, const Tensor3& v);
    // Empties the cache (memory kept).
    void reset();
    // Drops the rows from slot new_len on (a rejected draft, a rolled-back batch); no-op when new_len >= len.
    // Landmarks of the blocks those rows touched are rebuilt from the stored rows (fp16 caches: from the
    // rounded values, so those block means can differ from the incremental ones by fp16 rounding).
    void truncate(size_t new_len);
    // Makes this cache equal to `earlier`, a copy of it from before it changed by appends and truncations
    // alone (no eviction or reset since: the caller keeps track), so that its rows below earlier.len() are
    // this cache's already: only their attention mass and the landmarks of the blocks appended to are copied
    // back -- a few MB where a copy writes every row (and evicts a CPU's caches on the way). A smaller cache
    // or another shape gets the copy.
    void rewind_to(const BasicKvCache& earlier);

    // H2O as the crate does it (spec §5.3): when not full, a plain append (scores ignored). When full,
    // attention_scores must have len() entries; the victim is the unprotected slot with the smallest score
    // (first minimum; protected = globals and the last `window` slots); if all are protected, the oldest
    // non-global slot before the window, else slot 0. The victim is removed, later slots move down, landmarks
    // are rebuilt, then the new row is appended. Returns the victim slot, or npos when nothing was evicted.
    size_t evict_and_append(const Tensor3& k1, const Tensor3& v1, const std::vector<float>& attention_scores,
                            const std::vector<size_t>& global_tokens, size_t window);
    // H2O with the attention mass collected by the kernel (spec §5.8). The policy must leave an unprotected
    // slot: capacity > recent_window + globals (else InvalidConfig), so a sink is never the victim.
    size_t append_evicting(const float* k_row, const float* v_row, const H2oPolicy& policy);
    size_t append_evicting(const Tensor3& k1, const Tensor3& v1, const H2oPolicy& policy);

    // Rows: kv head h, slot s at rows + (h * capacity + s) * dim.
    const Row* key_rows() const { return keys_.data(); }
    const Row* value_rows() const { return values_.data(); }
    float key(size_t slot, size_t head, size_t d) const;    // widened to f32
    float value(size_t slot, size_t head, size_t d) const;  // widened to f32
    const IncrementalLandmarks& landmarks() const { return landmarks_; }
    SlotValues attention_mass() const { return {mass_.data(), len_}; }
    void add_attention_mass(size_t slot, float p) { mass_[slot] += p; }
    // Bytes of rows, mass and landmarks in memory now (mincore).
    size_t resident_bytes() const;

private:
    void check_row_shapes(const Tensor3& k, const Tensor3& v, const char* what) const;
    void copy_slots_from(const BasicKvCache& other);
    void write_row(size_t slot, const float* k_row, const float* v_row);
    size_t choose_victim(const float* scores, const std::vector<size_t>& globals, size_t window) const;
    void remove_slot(size_t victim);
    void rebuild_landmarks_from(size_t slot);

    size_t capacity_, kv_heads_, dim_;
    size_t len_ = 0;
    PagedArray<Row> keys_, values_;  // [kv_heads][capacity][dim]
    PagedArray<float> mass_;         // [capacity]
    IncrementalLandmarks landmarks_;
    std::vector<float> widened_k_, widened_v_;  // one row each, for the landmark rebuild of fp16 rows
};

using KvCache = BasicKvCache<float>;
using KvCacheF16 = BasicKvCache<uint16_t>;

extern template class BasicKvCache<float>;
extern template class BasicKvCache<uint16_t>;

}  // namespace kernels
