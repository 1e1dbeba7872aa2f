#include "src/kv_store.h"

#include <algorithm>
#include <vector>

#include <fmt/format.h>

#include "kernels/common/size_math.h"
#include "src/runtime_error.h"
#include "src/salience_track.h"

namespace runtime {
namespace {

template <typename Row>
class LayeredKvStore final : public KvStore {
public:
    using Cache = kernels::BasicKvCache<Row>;

    LayeredKvStore(const ModelConfig& config, const KvStoreOptions& options, kernels::SparseAttention& attention)
        : KvStore(config, options), attention_(attention), n_head_(static_cast<size_t>(config.n_head)),
          q_width_(static_cast<size_t>(config.q_width())), kv_width_(static_cast<size_t>(config.kv_width())),
          appended_(static_cast<size_t>(config.n_layer)),
          salience_(options.track_salience ? static_cast<size_t>(config.n_layer) : 0,
                    options.track_salience ? options.capacity : 0, static_cast<size_t>(config.n_head_kv),
                    static_cast<size_t>(config.head_dim)) {
        caches_.reserve(static_cast<size_t>(config.n_layer));
        for (int64_t l = 0; l < config.n_layer; ++l)
            caches_.emplace_back(options.capacity, static_cast<size_t>(config.n_head_kv),
                                 static_cast<size_t>(config.head_dim), options.block_size);
    }

    void attend(int64_t layer, const float* q, const float* k, const float* v, size_t n, float* out,
                const AttendControl& control) override {
        const auto l = static_cast<size_t>(layer);
        Cache& cache = caches_[l];
        const size_t window = attention_.config().window;
        if (control.mode == AttentionMode::Gated && !options_.track_salience)
            throw Error("gated attention needs salience tracking (KvStoreOptions::track_salience)");
        if (options_.track_salience) salience_.begin_step(l);
        for (size_t done = 0; done < n;) {
            const size_t next_slot = cache.is_full() ? cache.capacity() - 1 : cache.len();
            const bool fits_window = next_slot <= window;
            // Rows up to slot `window` attend densely: min(n - done, window - next_slot + 1), without forming
            // window + 1 (a window of SIZE_MAX covers every slot).
            const size_t chunk = fits_window ? std::min(n - done - 1, window - next_slot) + 1 : n - done;
            for (size_t r = done; r < done + chunk; ++r) append(l, k + r * kv_width_, v + r * kv_width_);

            kernels::CacheAttendOptions options;
            options.deadline = control.deadline;
            options.path = fits_window || control.mode == AttentionMode::Dense ? kernels::AttentionPath::Dense
                           : control.mode == AttentionMode::Gated             ? kernels::AttentionPath::Gated
                                                                              : kernels::AttentionPath::Sparse;
            if (options.path == kernels::AttentionPath::Gated)
                options.keep_mask = &salience_.keep_mask(l, cache.len(), control.gate_top_k);
            attention_.attend_cached(q + done * q_width_, chunk, n_head_, cache, out + done * q_width_, options);
            done += chunk;
        }
    }

    void commit() override {
        len_ = caches_.front().len();
        std::fill(appended_.begin(), appended_.end(), 0);
    }

    void rollback() override {
        for (size_t l = 0; l < caches_.size(); ++l) {
            if (appended_[l] == 0) continue;
            caches_[l].truncate(caches_[l].len() - appended_[l]);
            if (options_.track_salience) salience_.restore_step(l);
            appended_[l] = 0;
        }
        len_ = caches_.front().len();
    }

    void reset() override {
        for (Cache& c : caches_) c.reset();
        std::fill(appended_.begin(), appended_.end(), 0);
        salience_.reset();
        len_ = 0;
    }

    std::unique_ptr<KvStore> snapshot() const override { return std::make_unique<LayeredKvStore>(*this); }

    void restore(const KvStore& saved) override {
        const auto* from = dynamic_cast<const LayeredKvStore*>(&saved);
        const bool same_shape = from && from->caches_.size() == caches_.size() && from->kv_width_ == kv_width_ &&
                                from->options_.capacity == options_.capacity && from->options_.evict == options_.evict &&
                                from->options_.block_size == options_.block_size &&
                                from->options_.track_salience == options_.track_salience;
        if (!same_shape) throw Error("KV cache: the saved state is of a cache of another shape");
        caches_ = from->caches_;
        appended_ = from->appended_;
        salience_ = from->salience_;
        len_ = from->len_;
        evictions_ = from->evictions_;
    }

private:
    void append(size_t layer, const float* k, const float* v) {
        Cache& cache = caches_[layer];
        const size_t len_before = cache.len();
        size_t victim = Cache::npos;
        if (options_.evict) {
            victim = cache.append_evicting(k, v, options_.h2o);
            if (victim != Cache::npos && layer == 0) ++evictions_;
        } else {
            cache.append_row(k, v);
        }
        if (options_.track_salience) salience_.append(layer, cache.len() - 1, victim, len_before, k);
        ++appended_[layer];
    }

    kernels::SparseAttention& attention_;
    size_t n_head_, q_width_, kv_width_;
    std::vector<Cache> caches_;
    std::vector<size_t> appended_;  // rows appended per layer in the current step
    SalienceTrack salience_;
};

}  // namespace

uint64_t KvStore::bytes_for(const ModelConfig& config, const KvStoreOptions& options) {
    // Saturating: a capacity near SIZE_MAX (a budget sized in blocks of SIZE_MAX) counts UINT64_MAX bytes.
    const uint64_t kv_width = static_cast<uint64_t>(config.kv_width());
    const uint64_t row_bytes = options.dtype == kernels::KvDtype::F16 ? 2 : 4;
    const uint64_t per_slot = 2 * kv_width * row_bytes                          // keys and values
                              + sizeof(float)                                 // attention mass
                              + (options.track_salience ? sizeof(float) : 0);  // salience
    const uint64_t per_block = 2 * kv_width * sizeof(float) + sizeof(uint32_t);  // landmarks
    const uint64_t blocks = kernels::ceil_div(options.capacity, options.block_size);
    const uint64_t per_layer = kernels::saturating_add(kernels::saturating_mul(options.capacity, per_slot),
                                                       kernels::saturating_mul(blocks, per_block));
    return kernels::saturating_mul(per_layer, static_cast<uint64_t>(config.n_layer));
}

size_t KvStore::rows_per_step() const {
    if (len_ < options_.capacity) return options_.capacity - len_;
    return options_.evict ? std::max<size_t>(options_.h2o.recent_window, 1) : 0;
}

std::unique_ptr<KvStore> KvStore::create(const ModelConfig& config, const KvStoreOptions& options,
                                         kernels::SparseAttention& attention) {
    if (options.capacity == 0) throw Error("KV cache: capacity must be at least one token");
    if (options.evict &&
        options.capacity <= kernels::saturating_add(options.h2o.recent_window, options.h2o.global_tokens.size()))
        throw Error(fmt::format("KV budget {} must exceed the attention window {} plus {} global token(s)",
                                options.capacity, options.h2o.recent_window, options.h2o.global_tokens.size()));
    if (options.dtype == kernels::KvDtype::F16)
        return std::make_unique<LayeredKvStore<uint16_t>>(config, options, attention);
    return std::make_unique<LayeredKvStore<float>>(config, options, attention);
}

}  // namespace runtime
