// SparseAttention against a KV cache: decode_step(s), decode_batch, deadlines, the runtime's attend_cached,
// and warm_up. Candidates for the row at slot p are those of query p in a sequence of length p + 1 (spec
// §5.4), so a batch of rows appended together attends exactly like the same rows decoded one by one.
#include <atomic>
#include <string>

#include "kernels/attention/attention_core.h"
#include "kernels/attention/sparse_attention.h"
#include "kernels/common/vector_math.h"

namespace kernels {
namespace {

template <typename Row>
void validate_cache_query(size_t q_heads, size_t q_dim, const BasicKvCache<Row>& cache,
                          const SparseAttentionConfig& config) {
    if (q_dim == 0) throw InvalidConfig("head dim must be greater than zero");
    if (q_dim != cache.dim())
        throw ShapeMismatch("q dim " + std::to_string(q_dim) + " != cache dim " + std::to_string(cache.dim()));
    if (q_heads == 0 || q_heads % cache.kv_heads() != 0)
        throw InvalidConfig("q_heads=" + std::to_string(q_heads) + " must be divisible by kv_heads=" +
                            std::to_string(cache.kv_heads()));
    if (config.use_landmarks && cache.block_size() != config.block_size)
        throw InvalidConfig("cache block_size " + std::to_string(cache.block_size()) + " != attention block_size " +
                            std::to_string(config.block_size));
}

}  // namespace

template <typename Row>
void SparseAttention::attend_cached_impl(const float* q, size_t n_rows, size_t q_heads, BasicKvCache<Row>& cache,
                                         float* out, const CacheAttendOptions& options, bool apply_sort) {
    validate_cache_query(q_heads, cache.dim(), cache, config_);
    if (n_rows > cache.len())
        throw InvalidConfig("attend_cached: " + std::to_string(n_rows) + " query rows but the cache holds " +
                            std::to_string(cache.len()) + " (append the rows first)");
    if (options.path == AttentionPath::Gated && (!options.keep_mask || options.keep_mask->size() < cache.len()))
        throw InvalidConfig("gated attend_cached needs a keep mask of at least " + std::to_string(cache.len()) +
                            " slots");
    const DeadlineTimer* deadline = options.deadline;
    if (deadline) deadline->check("candidate_selection");
    if (n_rows == 0) return;

    detail::Workspace& ws = *workspace_;
    detail::ChunkCandidates::Options list_options;
    list_options.keep_mask = options.path == AttentionPath::Gated ? options.keep_mask : nullptr;
    list_options.keep_always = &config_.global_tokens;
    list_options.sort = apply_sort && config_.sort_candidates;
    ws.chunk.clear();
    const size_t first = cache.len() - n_rows;
    for (size_t p = first; p < cache.len(); ++p) {
        if (options.path == AttentionPath::Dense)
            ws.chunk.add_dense(p, p + 1, true);
        else
            ws.chunk.add(ws.builder, p, p + 1, config_, list_options);
    }
    const std::vector<detail::QueryCandidates>& queries = ws.chunk.resolve();
    if (deadline) deadline->check("candidate_selection");
    ws.prepare_mass(q_heads);

    // A task folds up to kMaxQueryTile q heads of one kv head together (each K and V row loaded once for them)
    // over a range of the rows; enough tasks to keep every thread busy. The arithmetic of each (row, head) is
    // the same in any task, so the split changes no bit.
    const size_t dim = cache.dim(), kv_heads = cache.kv_heads(), group = q_heads / kv_heads;
    const size_t heads_per_task = std::min(group, kMaxQueryTile), tasks_per_kv = ceil_div(group, heads_per_task);
    const size_t head_tasks = kv_heads * tasks_per_kv;
    const size_t threads = pool_ ? pool_->size() : 1;
    const size_t row_blocks = std::min(queries.size(), ceil_div(8 * threads, head_tasks));
    const size_t rows_per_block = ceil_div(queries.size(), row_blocks);
    ws.prepare_group_tasks(head_tasks * row_blocks);
    const float scale = 1.0f / std::sqrt(static_cast<float>(dim));
    const IncrementalLandmarks& landmarks = cache.landmarks();
    const bool use_landmarks = config_.use_landmarks && options.path != AttentionPath::Dense;
    std::atomic<const char*> missed{nullptr};
    detail::for_each_head(pool_, head_tasks * row_blocks, [&](size_t task) {
        if (deadline && deadline->expired()) {
            missed = "dot_product";
            return;
        }
        const size_t kv = task % head_tasks / tasks_per_kv;
        const size_t first_head = kv * group + task % tasks_per_kv * heads_per_task;
        const size_t nq = std::min(heads_per_task, (kv + 1) * group - first_head);
        const detail::RowSource<Row> tokens{cache.key_rows() + kv * cache.capacity() * dim,
                                            cache.value_rows() + kv * cache.capacity() * dim, dim};
        const detail::RowSource<float> blocks =
            use_landmarks ? detail::RowSource<float>{landmarks.key_means() + kv * dim, landmarks.value_means() + kv * dim,
                                                     kv_heads * dim}
                          : detail::RowSource<float>{nullptr, nullptr, 0};
        detail::Workspace::GroupTask& scratch = ws.group_tasks[task];
        const size_t row_begin = task / head_tasks * rows_per_block;
        const size_t row_end = std::min(queries.size(), row_begin + rows_per_block);
        for (size_t r = row_begin; r < row_end; ++r) {
            const detail::QueryCandidates& c = queries[r];
            if (row_end - row_begin == 1) {  // a decode step: the layer's matmuls have pushed its rows out of cache
                detail::prefetch_rows(tokens, c.tokens, dim);
                detail::prefetch_rows(blocks, c.blocks, dim);
            }
            const float* q_rows[kMaxQueryTile];
            float* out_rows[kMaxQueryTile];
            for (size_t k = 0; k < nq; ++k) {
                q_rows[k] = q + (r * q_heads + first_head + k) * dim;
                out_rows[k] = out + (r * q_heads + first_head + k) * dim;
            }
            detail::GroupSoftmax softmax(out_rows, nq, dim);
            softmax.fold(q_rows, tokens, c.tokens, scale, scratch.token_scores.data());
            float token_max[kMaxQueryTile];
            for (size_t k = 0; k < nq; ++k) token_max[k] = softmax[k].max();
            softmax.fold(q_rows, blocks, c.blocks, scale, scratch.block_scores.data());
            if (deadline && deadline->expired()) {
                missed = "softmax";
                return;
            }
            for (size_t k = 0; k < nq; ++k) {
                softmax[k].finish();
                // p_j = exp(s_j - final max) / den; the token weights are relative to token_max.
                const float den = softmax[k].denominator();
                const float factor = den > 0.0f ? vector_math().exp1(token_max[k] - softmax[k].max()) / den : 0.0f;
                const float* weights = scratch.token_scores.data() + k * c.tokens.n;
                float* mass = ws.heads[first_head + k].mass.data() + c.token_offset;
                for (size_t n = 0; n < c.tokens.n; ++n) mass[n] = weights[n] * factor;
            }
        }
    });
    if (const char* checkpoint = missed.load()) deadline->check(checkpoint);  // throws: the deadline has passed
    for (size_t h = 0; h < q_heads; ++h)
        for (const detail::QueryCandidates& c : queries)
            for (size_t n = 0; n < c.tokens.n; ++n)
                cache.add_attention_mass(c.tokens.ids[n], ws.heads[h].mass[c.token_offset + n]);
}

template <typename Row>
Tensor3 SparseAttention::decode(const Tensor3& q, BasicKvCache<Row>& cache, const DeadlineTimer* deadline,
                                bool apply_sort) {
    if (q.seq() != 1) throw InvalidConfig("decode expects q.seq == 1, got " + std::to_string(q.seq()));
    validate_cache_query(q.heads(), q.dim(), cache, config_);
    Tensor3 out = Tensor3::zeros(1, q.heads(), q.dim());
    if (cache.len() == 0) return out;
    CacheAttendOptions options;
    options.deadline = deadline;
    attend_cached_impl(q.data().data(), 1, q.heads(), cache, out.data().data(), options, apply_sort);
    return out;
}

template <typename Row>
Tensor3 SparseAttention::decode_rows(const Tensor3& q, const Tensor3& new_k, const Tensor3& new_v,
                                     BasicKvCache<Row>& cache, const DeadlineTimer* deadline) {
    validate_cache_query(q.heads(), q.dim(), cache, config_);
    if (new_k.seq() != q.seq() || new_v.seq() != q.seq())
        throw ShapeMismatch("decode_batch: q " + shape_string(q) + ", new_k " + shape_string(new_k) + ", new_v " +
                            shape_string(new_v) + " need the same number of rows");
    Tensor3 out = Tensor3::zeros(q.seq(), q.heads(), q.dim());
    if (q.seq() == 0) return out;
    if (deadline) deadline->check("candidate_selection");
    cache.append_all(new_k, new_v);
    CacheAttendOptions options;
    options.deadline = deadline;
    attend_cached_impl(q.data().data(), q.seq(), q.heads(), cache, out.data().data(), options, true);
    return out;
}

Tensor3 SparseAttention::decode_step(const Tensor3& q, KvCache& cache) { return decode(q, cache, nullptr, true); }

Tensor3 SparseAttention::decode_step_f16(const Tensor3& q, KvCacheF16& cache) {
    return decode(q, cache, nullptr, false);
}

Tensor3 SparseAttention::decode_batch(const Tensor3& q, const Tensor3& new_k, const Tensor3& new_v, KvCache& cache) {
    return decode_rows(q, new_k, new_v, cache, nullptr);
}

Tensor3 SparseAttention::decode_batch(const Tensor3& q, const Tensor3& new_k, const Tensor3& new_v,
                                      KvCacheF16& cache) {
    return decode_rows(q, new_k, new_v, cache, nullptr);
}

Tensor3 SparseAttention::decode_step_with_deadline(const Tensor3& q, KvCache& cache,
                                                   DeadlineTimer::Clock::time_point deadline) {
    const DeadlineTimer timer(deadline);
    timer.check("candidate_selection");
    return decode(q, cache, &timer, true);
}

Tensor3 SparseAttention::decode_step_f16_with_deadline(const Tensor3& q, KvCacheF16& cache,
                                                       DeadlineTimer::Clock::time_point deadline) {
    const DeadlineTimer timer(deadline);
    timer.check("candidate_selection");
    return decode(q, cache, &timer, false);
}

Tensor3 SparseAttention::decode_batch_with_deadline(const Tensor3& q, const Tensor3& new_k, const Tensor3& new_v,
                                                    KvCache& cache, DeadlineTimer::Clock::time_point deadline) {
    const DeadlineTimer timer(deadline);
    return decode_rows(q, new_k, new_v, cache, &timer);
}

void SparseAttention::attend_cached(const float* q, size_t n_rows, size_t q_heads, KvCache& cache, float* out,
                                    const CacheAttendOptions& options) {
    attend_cached_impl(q, n_rows, q_heads, cache, out, options, true);
}

void SparseAttention::attend_cached(const float* q, size_t n_rows, size_t q_heads, KvCacheF16& cache, float* out,
                                    const CacheAttendOptions& options) {
    attend_cached_impl(q, n_rows, q_heads, cache, out, options, true);
}

void SparseAttention::warm_up(size_t num_heads, size_t num_kv_heads, size_t head_dim) {
    const Tensor3 q = Tensor3::zeros(1, num_heads, head_dim);
    const Tensor3 kv = Tensor3::zeros(1, num_kv_heads, head_dim);
    (void)forward_gqa(q, kv, kv);
    KvCacheF16 scratch(1, num_kv_heads, head_dim, config_.block_size);
    (void)decode_batch(q, kv, kv, scratch);
}

}  // namespace kernels
