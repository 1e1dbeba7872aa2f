#include "src/kv_store.h"

#include <algorithm>
#include <array>
#include <atomic>

#include <fmt/format.h>

#include "kernels/common/size_math.h"
#include "src/runtime_error.h"

namespace runtime {
namespace {

size_t slots_per_layer(const RunConfig& config) {
    return static_cast<size_t>(config.kv_budget > 0 ? config.kv_budget : config.n_ctx);
}

bool keeps_salience(const RunConfig& config) {
    return config.track_salience || config.attention == kernels::AttentionPath::Gated;
}

const RunConfig& checked(const RunConfig& config) {
    const size_t capacity = slots_per_layer(config);
    const kernels::SparseAttentionConfig& a = config.sparse;
    if (capacity == 0) throw Error("KV cache: capacity must be at least one token");
    if (config.kv_budget > 0 && capacity <= kernels::saturating_add(a.window, a.global_tokens.size()))
        throw Error(fmt::format("KV budget {} must exceed the attention window {} plus {} global token(s)", capacity,
                                a.window, a.global_tokens.size()));
    return config;
}

template <typename Cache>
std::vector<Cache> make_caches(const ModelConfig& model, const RunConfig& config) {
    std::vector<Cache> layers;
    layers.reserve(static_cast<size_t>(model.n_layer));
    for (int64_t l = 0; l < model.n_layer; ++l)
        layers.emplace_back(slots_per_layer(config), static_cast<size_t>(model.n_head_kv),
                            static_cast<size_t>(model.head_dim), config.sparse.block_size);
    return layers;
}

KvStore::Layers make_layers(const ModelConfig& model, const RunConfig& config) {
    if (config.sparse.kv_dtype == kernels::KvDtype::F16) return make_caches<kernels::KvCacheF16>(model, config);
    return make_caches<kernels::KvCache>(model, config);
}

SalienceTrack make_salience(const ModelConfig& model, const RunConfig& config) {
    const bool keeps = keeps_salience(config);
    return SalienceTrack(keeps ? static_cast<size_t>(model.n_layer) : 0, keeps ? slots_per_layer(config) : 0,
                         static_cast<size_t>(model.n_head_kv), static_cast<size_t>(model.head_dim));
}

// Slots in use in every layer (the same in each between steps).
size_t rows_held(const KvStore::Layers& layers) {
    return std::visit([](const auto& caches) { return caches.front().len(); }, layers);
}

// What a state must share with the store it goes into: KV type, layers, slots, row width, block size,
// eviction and salience tracking.
std::array<size_t, 7> shape(const KvStore::State& s) {
    return std::visit(
        [&](const auto& layers) {
            const auto& cache = layers.front();
            return std::array<size_t, 7>{s.layers.index(), layers.size(), cache.capacity(),
                                         cache.kv_heads() * cache.dim(), cache.block_size(), s.evicting,
                                         s.salience.tracks()};
        },
        s.layers);
}

}  // namespace

KvStore::KvStore(const ModelConfig& model, const RunConfig& config, kernels::SparseAttention& attention)
    : model_(model), config_(checked(config)), attention_(attention),
      h2o_{config.sparse.global_tokens, config.sparse.window}, appended_(static_cast<size_t>(model.n_layer)),
      state_{make_layers(model, config), make_salience(model, config), 0, 0, config.kv_budget > 0} {}

size_t KvStore::capacity() const { return slots_per_layer(config_); }

uint64_t KvStore::bytes_for(const ModelConfig& model, const RunConfig& config, size_t capacity) {
    // Saturating: a capacity near SIZE_MAX (a budget sized in blocks of SIZE_MAX) counts UINT64_MAX bytes.
    const uint64_t kv_width = static_cast<uint64_t>(model.kv_width());
    const uint64_t row_bytes = config.sparse.kv_dtype == kernels::KvDtype::F16 ? 2 : 4;
    const uint64_t per_slot = 2 * kv_width * row_bytes                           // keys and values
                              + sizeof(float)                                  // attention mass
                              + (keeps_salience(config) ? sizeof(float) : 0);  // salience
    const uint64_t per_block = 2 * kv_width * sizeof(float) + sizeof(uint32_t);  // landmarks
    const uint64_t blocks = kernels::ceil_div(capacity, config.sparse.block_size);
    const uint64_t per_layer = kernels::saturating_add(kernels::saturating_mul(capacity, per_slot),
                                                       kernels::saturating_mul(blocks, per_block));
    return kernels::saturating_mul(per_layer, static_cast<uint64_t>(model.n_layer));
}

uint64_t KvStore::resident_bytes() const {
    uint64_t bytes = state_.salience.resident_bytes();
    std::visit([&](const auto& layers) { for (const auto& cache : layers) bytes += cache.resident_bytes(); }, state_.layers);
    return bytes;
}

size_t KvStore::rows_per_step() const {
    if (len() < capacity()) return capacity() - len();
    return evicts() ? std::max<size_t>(config_.sparse.window, 1) : 0;
}

void KvStore::attend(int64_t layer, const float* q, const float* k, const float* v, size_t n, float* out,
                     const AttendControl& control) {
    if (control.attention == kernels::AttentionPath::Gated && !keeps_salience(config_))
        throw Error("gated attention needs salience tracking (RunConfig::track_salience)");
    const auto l = static_cast<size_t>(layer);
    std::visit([&](auto& layers) { attend_layer(layers[l], l, q, k, v, n, out, control); }, state_.layers);
}

template <typename Cache>
void KvStore::attend_layer(Cache& cache, size_t layer, const float* q, const float* k, const float* v, size_t n,
                           float* out, const AttendControl& control) {
    const size_t window = config_.sparse.window;
    const size_t q_width = static_cast<size_t>(model_.q_width()), kv_width = static_cast<size_t>(model_.kv_width());
    if (keeps_salience(config_)) state_.salience.begin_step(layer);
    for (size_t done = 0; done < n;) {
        const size_t next_slot = cache.is_full() ? cache.capacity() - 1 : cache.len();
        const bool fits_window = next_slot <= window;
        // Rows up to slot `window` attend densely: min(n - done, window - next_slot + 1), without forming
        // window + 1 (a window of SIZE_MAX covers every slot).
        const size_t chunk = fits_window ? std::min(n - done - 1, window - next_slot) + 1 : n - done;
        for (size_t r = done; r < done + chunk; ++r) append(cache, layer, k + r * kv_width, v + r * kv_width);

        kernels::CacheAttendOptions options;
        options.deadline = control.deadline;
        options.path = fits_window ? kernels::AttentionPath::Dense : control.attention;
        if (options.path == kernels::AttentionPath::Gated)
            options.keep_mask = &state_.salience.keep_mask(layer, cache.len(), control.gate_top_k);
        attention_.attend_cached(q + done * q_width, chunk, static_cast<size_t>(model_.n_head), cache,
                                 out + done * q_width, options);
        done += chunk;
    }
}

template <typename Cache>
void KvStore::append(Cache& cache, size_t layer, const float* k, const float* v) {
    const size_t len_before = cache.len();
    size_t victim = Cache::npos;
    if (evicts()) {
        victim = cache.append_evicting(k, v, h2o_);
        if (victim != Cache::npos) {
            if (layer == 0) ++state_.evictions;
            extends_snapshot_ = 0;  // rows moved down
        }
    } else {
        cache.append_row(k, v);
    }
    if (keeps_salience(config_)) state_.salience.append(layer, cache.len() - 1, victim, len_before, k);
    ++appended_[layer];
}

void KvStore::commit() {
    state_.len = rows_held(state_.layers);
    std::fill(appended_.begin(), appended_.end(), 0);
}

void KvStore::rollback() {
    std::visit(
        [&](auto& layers) {
            for (size_t l = 0; l < layers.size(); ++l) {
                if (appended_[l] == 0) continue;
                layers[l].truncate(layers[l].len() - appended_[l]);
                if (keeps_salience(config_)) state_.salience.restore_step(l);
                appended_[l] = 0;
            }
        },
        state_.layers);
    state_.len = rows_held(state_.layers);
}

void KvStore::reset() {
    std::visit([](auto& layers) { for (auto& cache : layers) cache.reset(); }, state_.layers);
    std::fill(appended_.begin(), appended_.end(), 0);
    state_.salience.reset();
    state_.len = 0;
    extends_snapshot_ = 0;
}

KvStore::State KvStore::snapshot() const {
    static std::atomic<uint64_t> taken{0};
    State copy = state_;
    copy.id = ++taken;
    extends_snapshot_ = copy.id;
    return copy;
}

void KvStore::restore(const State& saved) {
    if (shape(saved) != shape(state_)) throw Error("KV cache: the saved state is of a cache of another shape");
    if (saved.id == 0 || saved.id != extends_snapshot_) {
        state_ = saved;
    } else {
        std::visit(
            [&](auto& layers) {
                const auto& earlier = std::get<std::decay_t<decltype(layers)>>(saved.layers);
                for (size_t l = 0; l < layers.size(); ++l) layers[l].rewind_to(earlier[l]);
            },
            state_.layers);
        state_.salience = saved.salience;
        state_.len = saved.len;
        state_.evictions = saved.evictions;
    }
    extends_snapshot_ = saved.id;
}

}  // namespace runtime
