// Internal building blocks shared by every attention entry point (forward, flash, gated, dense, decode):
// candidate lists for a chunk of queries, row sources, and the chunked online softmax.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <vector>

#include "kernels/attention/candidates.h"
#include "kernels/attention/row_kernels.h"
#include "kernels/common/size_math.h"
#include "kernels/common/vector_math.h"

namespace kernels::detail {

// K and V rows of one kv head: row j at keys + j * stride (Row = float, or uint16_t fp16 bits).
template <typename Row>
struct RowSource {
    const Row* keys;
    const Row* values;
    size_t stride;
};

struct Span {
    const uint32_t* ids = nullptr;
    size_t n = 0;
};

// The candidates of one query, split the way the fold orders need them:
// forward folds `tokens` (window then scattered, one list) then `blocks`;
// flash folds `window`, then `blocks`, then `scattered`.
struct QueryCandidates {
    size_t position = 0;      // query index i
    size_t token_offset = 0;  // where `tokens` starts among all tokens of the chunk
    Span tokens;
    Span window;
    Span scattered;
    Span blocks;
};

// Candidate lists of consecutive queries, stored back to back (no allocation once grown).
class ChunkCandidates {
public:
    struct Options {
        const std::vector<bool>* keep_mask = nullptr;  // gated: drop scattered tokens j with !keep_mask[j] ...
        const std::vector<size_t>* keep_always = nullptr;  // ... unless j is one of these (the globals)
        bool sort = false;                                  // sort tokens and blocks ascending
    };

    void clear();
    void add(CandidateBuilder& builder, size_t i, size_t seq, const SparseAttentionConfig& config,
             const Options& options);
    // Dense reference: every key 0..i (causal) or 0..seq-1, no blocks.
    void add_dense(size_t i, size_t seq, bool causal);
    // Resolves offsets into spans; valid until the next add/clear.
    const std::vector<QueryCandidates>& resolve();
    size_t max_tokens() const { return max_tokens_; }
    size_t max_window() const { return max_window_; }
    size_t max_blocks() const { return max_blocks_; }
    size_t total_tokens() const { return tokens_.size(); }

private:
    struct Offsets {
        size_t position, token_begin, window_end, token_end, block_begin, block_end;
    };
    std::vector<uint32_t> tokens_;
    std::vector<uint32_t> blocks_;
    std::vector<Offsets> offsets_;
    std::vector<QueryCandidates> resolved_;
    size_t max_tokens_ = 0;
    size_t max_window_ = 0;
    size_t max_blocks_ = 0;
};

// One query row's online softmax (ADR-184), folded a chunk of candidates at a time: all scores of the chunk,
// one rescale if the chunk raises the running max, then exp and accumulate. Same result as the per-candidate
// recurrence up to float rounding. acc is the output row; finish() normalises it in place.
class OnlineSoftmax {
public:
    OnlineSoftmax() : acc_(nullptr), dim_(0) {}
    OnlineSoftmax(float* acc, size_t dim) : acc_(acc), dim_(dim) {
        for (size_t d = 0; d < dim; ++d) acc_[d] = 0.0f;
    }
    // Continues a softmax whose candidates so far gave running max `max`, denominator `den` and acc.
    OnlineSoftmax(float* acc, size_t dim, float max, float den) : acc_(acc), dim_(dim), max_(max), den_(den) {}

    // Folds candidates ids[0..n) of `source`; `scores` needs room for n floats and holds their weights
    // exp(s - max()) afterwards (relative to the running max at the end of this fold).
    template <typename Row>
    void fold(const float* q, const RowSource<Row>& source, Span ids, float scale, float* scores) {
        if (ids.n == 0) return;
        const GatherKernels<Row>& rows = attention_row_kernels().gather<Row>();
        rows.scores(q, source.keys, source.stride, ids.ids, ids.n, dim_, scale, scores);
        take_scores(scores, ids.n);
        rows.accumulate(scores, source.values, source.stride, ids.ids, ids.n, dim_, acc_);
    }

    // The middle of a fold: the running max and denominator take a chunk's n scores (acc rescaled when the max
    // rises), which become their weights exp(s - max()).
    void take_scores(float* scores, size_t n) {
        const VectorMath& math = vector_math();
        const float chunk_max = math.max_value(scores, n);
        if (chunk_max > max_) {
            if (max_ != -std::numeric_limits<float>::infinity()) {
                const float c = math.exp1(max_ - chunk_max);
                math.scale(acc_, dim_, c);
                den_ *= c;
            }
            max_ = chunk_max;
        }
        den_ += math.exp_shifted_sum(scores, n, max_);
    }

    float max() const { return max_; }
    float denominator() const { return den_; }

    // acc *= 1/den, or zeros when nothing was attended.
    void finish() {
        if (den_ > 0.0f)
            vector_math().scale(acc_, dim_, 1.0f / den_);
        else
            for (size_t d = 0; d < dim_; ++d) acc_[d] = 0.0f;
    }

private:
    float* acc_;
    size_t dim_;
    float max_ = -std::numeric_limits<float>::infinity();
    float den_ = 0.0f;
};

// Starts loading the K and V rows of `ids`: scattered candidates are far apart and usually miss the cache, and
// in decode even the window's rows have left it (the layer's matmuls streamed the weights through), so the loads
// are issued before the work that hides them (a decode step's attention took a fifth less time). Always inlined:
// GCC 12 takes a function of prefetches alone for one without effects and drops its calls.
template <typename Row>
[[gnu::always_inline]] inline void prefetch_rows(const RowSource<Row>& source, Span ids, size_t dim) {
    const size_t bytes = dim * sizeof(Row);
    for (size_t n = 0; n < ids.n; ++n) {
        const char* key = reinterpret_cast<const char*>(source.keys + ids.ids[n] * source.stride);
        const char* value = reinterpret_cast<const char*>(source.values + ids.ids[n] * source.stride);
        for (size_t offset = 0; offset < bytes; offset += 64) {
            __builtin_prefetch(key + offset);
            __builtin_prefetch(value + offset);
        }
    }
}

// The online softmaxes of nq <= kMaxQueryTile queries with the same candidates (q heads of one kv head), each
// folded exactly as its own OnlineSoftmax would fold it, with every K and V row loaded once for all of them.
class GroupSoftmax {
public:
    GroupSoftmax(float* const* acc, size_t nq, size_t dim) : nq_(nq), dim_(dim) {
        for (size_t q = 0; q < nq; ++q) {
            acc_[q] = acc[q];
            parts_[q] = OnlineSoftmax(acc[q], dim);
        }
    }

    // fold() of every query; `scores` needs room for nq * ids.n floats: query q's at scores + q * ids.n.
    template <typename Row>
    void fold(const float* const* q, const RowSource<Row>& source, Span ids, float scale, float* scores) {
        if (ids.n == 0) return;
        const GatherKernels<Row>& rows = attention_row_kernels().gather<Row>();
        rows.group_scores(q, nq_, source.keys, source.stride, ids.ids, ids.n, dim_, scale, scores);
        for (size_t k = 0; k < nq_; ++k) parts_[k].take_scores(scores + k * ids.n, ids.n);
        rows.group_accumulate(scores, nq_, source.values, source.stride, ids.ids, ids.n, dim_, acc_);
    }

    OnlineSoftmax& operator[](size_t q) { return parts_[q]; }

private:
    size_t nq_, dim_;
    float* acc_[kMaxQueryTile] = {};
    OnlineSoftmax parts_[kMaxQueryTile];
};

enum class FoldOrder {
    TokensThenBlocks,  // forward, gated, decode: T(i) in list order, then L(i)
    Flash,             // forward_flash: window, then landmarks, then the scattered tokens
};

// Attends one query row: folds its candidates in `order` and normalises acc. token_scores needs room for
// c.tokens.n floats and ends up holding the token weights exp(s - m) relative to the max m after the token
// fold (forward order); block_scores needs c.blocks.n. Returns the softmax state after finish.
template <typename Row>
OnlineSoftmax attend_query(const float* q, const QueryCandidates& c, FoldOrder order, const RowSource<Row>& tokens,
                           const RowSource<float>& landmarks, float scale, size_t dim, float* token_scores,
                           float* block_scores, float* acc) {
    OnlineSoftmax softmax(acc, dim);
    if (order == FoldOrder::TokensThenBlocks) {
        softmax.fold(q, tokens, c.tokens, scale, token_scores);
        softmax.fold(q, landmarks, c.blocks, scale, block_scores);
    } else {
        softmax.fold(q, tokens, c.window, scale, token_scores);
        softmax.fold(q, landmarks, c.blocks, scale, block_scores);
        softmax.fold(q, tokens, c.scattered, scale, token_scores + c.window.n);
    }
    softmax.finish();
    return softmax;
}

// Attends nq <= kMaxQueryTile consecutive queries with unsorted lists: the window part of every query runs
// through one tile (each K and V row of the union of their windows is loaded once for all nq queries), the
// rest per query. Same candidates, fold order and arithmetic per element as attend_query; rows of the tile
// outside a query's window get weight 0. Buffers: tile nq * span floats (span = the windows' union),
// token_scores nq * max_tokens, block_scores max blocks.
inline void attend_query_tile(const float* const* q_rows, const QueryCandidates* c, size_t nq, FoldOrder order,
                              const RowSource<float>& tokens, const RowSource<float>& landmarks, float scale,
                              size_t dim, float* tile, float* token_scores, size_t max_tokens, float* block_scores,
                              float* const* acc) {
    const AttentionRowKernels& rows = attention_row_kernels();
    const VectorMath& math = vector_math();
    const size_t lo = c[0].window.ids[0];
    const size_t span = c[nq - 1].window.ids[c[nq - 1].window.n - 1] - lo + 1;
    for (size_t q = 0; q < nq; ++q) {
        prefetch_rows(tokens, c[q].scattered, dim);
        prefetch_rows(landmarks, c[q].blocks, dim);
    }
    rows.tile_scores(q_rows, nq, tokens.keys, tokens.stride, lo, span, dim, scale, tile);
    float maxes[kMaxQueryTile], dens[kMaxQueryTile];
    for (size_t q = 0; q < nq; ++q) {
        const Span& window = c[q].window;
        float* scores = token_scores + q * max_tokens;
        float* weights = tile + q * span;
        const size_t offset = window.ids[0] - lo;
        std::copy(weights + offset, weights + offset + window.n, scores);
        size_t n = window.n;
        if (order == FoldOrder::TokensThenBlocks) {
            rows.f32_rows.scores(q_rows[q], tokens.keys, tokens.stride, c[q].scattered.ids, c[q].scattered.n, dim,
                                 scale, scores + window.n);
            n += c[q].scattered.n;
        }
        maxes[q] = math.max_value(scores, n);
        dens[q] = math.exp_shifted_sum(scores, n, maxes[q]);
        std::fill(weights, weights + span, 0.0f);
        std::copy(scores, scores + window.n, weights + offset);
        std::fill(acc[q], acc[q] + dim, 0.0f);
    }
    rows.tile_accumulate(tile, nq, tokens.values, tokens.stride, lo, span, dim, acc);
    for (size_t q = 0; q < nq; ++q) {
        OnlineSoftmax softmax(acc[q], dim, maxes[q], dens[q]);
        float* scattered_scores = token_scores + q * max_tokens + c[q].window.n;
        if (order == FoldOrder::TokensThenBlocks) {
            rows.f32_rows.accumulate(scattered_scores, tokens.values, tokens.stride, c[q].scattered.ids,
                                     c[q].scattered.n, dim, acc[q]);
            softmax.fold(q_rows[q], landmarks, c[q].blocks, scale, block_scores);
        } else {
            softmax.fold(q_rows[q], landmarks, c[q].blocks, scale, block_scores);
            softmax.fold(q_rows[q], tokens, c[q].scattered, scale, scattered_scores);
        }
        softmax.finish();
    }
}

}  // namespace kernels::detail

#include "kernels/attention/tensor3.h"
#include "kernels/common/thread_pool.h"

namespace kernels::detail {

// Scratch of one attention object, reused across calls: after the first call of a given size nothing is
// allocated (decode relies on this).
struct Workspace {
    struct Head {
        std::vector<float> token_scores;  // [max tokens of a query]
        std::vector<float> block_scores;  // [max blocks of a query]
        std::vector<float> mass;          // [tokens of the chunk]: attention mass per token candidate
        std::vector<float> tile;          // [kMaxQueryTile * (max window + kMaxQueryTile)]
    };
    struct GroupTask {                    // the scores of one task of up to kMaxQueryTile heads
        std::vector<float> token_scores;  // [kMaxQueryTile][max tokens of a query]
        std::vector<float> block_scores;  // [kMaxQueryTile][max blocks of a query]
    };
    CandidateBuilder builder;
    ChunkCandidates chunk;
    std::vector<Head> heads;
    std::vector<GroupTask> group_tasks;
    std::vector<float> keys_by_head, values_by_head;    // [kv_heads][seq][dim] copies for attend_all
    std::vector<float> landmark_keys, landmark_values;  // [kv_heads][blocks][dim] block means for attend_all

    // Sizes the per-head buffers for the current chunk (grows only).
    void prepare_heads(size_t n_heads) {
        if (heads.size() < n_heads) heads.resize(n_heads);
        for (size_t h = 0; h < n_heads; ++h) {
            grow(heads[h].token_scores, kMaxQueryTile * chunk.max_tokens());
            grow(heads[h].block_scores, chunk.max_blocks());
            grow(heads[h].tile, kMaxQueryTile * (chunk.max_window() + kMaxQueryTile));
        }
    }

    // Sizes the per-head attention mass of the current chunk alone (the cached path's scores live in group_tasks).
    void prepare_mass(size_t n_heads) {
        if (heads.size() < n_heads) heads.resize(n_heads);
        for (size_t h = 0; h < n_heads; ++h) grow(heads[h].mass, chunk.total_tokens());
    }

    // Sizes the buffers of n group tasks for the current chunk (grows only).
    void prepare_group_tasks(size_t n) {
        if (group_tasks.size() < n) group_tasks.resize(n);
        for (size_t t = 0; t < n; ++t) {
            grow(group_tasks[t].token_scores, kMaxQueryTile * chunk.max_tokens());
            grow(group_tasks[t].block_scores, kMaxQueryTile * chunk.max_blocks());
        }
    }

private:
    static void grow(std::vector<float>& v, size_t n) {
        if (v.size() < n) v.resize(n);
    }
};

template <typename F>
void for_each_head(ThreadPool* pool, size_t n_heads, F&& fn) {
    if (pool)
        pool->parallel_for(n_heads, fn);
    else
        for (size_t h = 0; h < n_heads; ++h) fn(h);
}

// The row source of kv head `kv` in a [seq, kv_heads, dim] K/V pair; empty when the tensors are absent.
inline RowSource<float> kv_head_source(const Tensor3* k, const Tensor3* v, size_t kv) {
    if (!k || k->size() == 0) return {nullptr, nullptr, 0};
    return {k->data().data() + kv * k->dim(), v->data().data() + kv * v->dim(), k->heads() * k->dim()};
}

// Every (query, head) of q attended against k/v (and their block means when landmark_block > 0), `chunk`
// queries at a time: add_candidates(i) appends query i's lists to ws.chunk, then the heads run (in parallel
// with a pool). q head h reads kv head h / (q.heads / k.heads). Writes out ([seq, q_heads, dim], preallocated).
// `tiled`: lists are unsorted, so consecutive queries go through attend_query_tile.
// Fills ws.keys_by_head / values_by_head with k and v as [heads][seq][dim] (one head's rows contiguous:
// strided 2 KB apart, 8 heads of 64 floats, they would share a few cache sets and evict each other) and,
// when block_size > 0, ws.landmark_keys / landmark_values with their block means as [heads][blocks][dim]
// (rows summed in order, then divided by the count). One pass per tensor: each row is read from memory once.
void stage_kv(const Tensor3& k, const Tensor3& v, size_t block_size, Workspace& ws);

template <typename AddCandidates>
void attend_all(const Tensor3& q, const Tensor3& k, const Tensor3& v, size_t landmark_block, FoldOrder order,
                bool tiled, size_t chunk, Workspace& ws, ThreadPool* pool, AddCandidates&& add_candidates,
                Tensor3& out) {
    const size_t seq = q.seq(), dim = q.dim(), q_heads = q.heads();
    const size_t group = q_heads / k.heads();
    const float scale = 1.0f / std::sqrt(static_cast<float>(dim));
    const size_t tile_size = tiled ? kMaxQueryTile : 1;
    stage_kv(k, v, landmark_block, ws);
    const size_t n_blocks = landmark_block ? ceil_div(seq, landmark_block) : 0;
    for (size_t q0 = 0, q1 = 0; q0 < seq; q0 = q1) {
        ws.chunk.clear();
        q1 = q0 + std::min(chunk, seq - q0);
        for (size_t i = q0; i < q1; ++i) add_candidates(i);
        const std::vector<QueryCandidates>& queries = ws.chunk.resolve();
        ws.prepare_heads(q_heads);
        const size_t max_tokens = ws.chunk.max_tokens();
        for_each_head(pool, q_heads, [&](size_t h) {
            const size_t kv = h / group;
            const RowSource<float> tokens{ws.keys_by_head.data() + kv * seq * dim,
                                          ws.values_by_head.data() + kv * seq * dim, dim};
            const RowSource<float> landmarks{ws.landmark_keys.data() + kv * n_blocks * dim,
                                             ws.landmark_values.data() + kv * n_blocks * dim, dim};
            Workspace::Head& scratch = ws.heads[h];
            for (size_t t = 0; t < queries.size(); t += tile_size) {
                const size_t nq = std::min(tile_size, queries.size() - t);
                if (!tiled) {
                    const QueryCandidates& c = queries[t];
                    attend_query(q.row(c.position, h), c, order, tokens, landmarks, scale, dim,
                                 scratch.token_scores.data(), scratch.block_scores.data(), out.row_mut(c.position, h));
                    continue;
                }
                const float* q_rows[kMaxQueryTile];
                float* acc[kMaxQueryTile];
                for (size_t i = 0; i < nq; ++i) {
                    q_rows[i] = q.row(queries[t + i].position, h);
                    acc[i] = out.row_mut(queries[t + i].position, h);
                }
                attend_query_tile(q_rows, &queries[t], nq, order, tokens, landmarks, scale, dim, scratch.tile.data(),
                                  scratch.token_scores.data(), max_tokens, scratch.block_scores.data(), acc);
            }
        });
    }
}

}  // namespace kernels::detail
