#include "src/run_config.h"

#include <algorithm>

#include <fmt/format.h>

#include "kernels/common/size_math.h"
#include "src/runtime_error.h"
#include "src/system_info.h"

namespace runtime {
namespace {

constexpr int64_t kDefaultContext = 4096;

template <typename T>
T pick(const std::optional<T>& asked, const std::optional<T>& preset, T fallback) {
    return asked ? *asked : preset ? *preset : fallback;
}

KvStoreOptions kv_shape(const TransformerOptions& o, size_t capacity) {
    KvStoreOptions kv;
    kv.capacity = capacity;
    kv.dtype = o.sparse.kv_dtype;
    kv.block_size = o.sparse.block_size;
    kv.track_salience = o.track_salience || o.attention == AttentionMode::Gated;
    return kv;
}

}  // namespace

TransformerOptions transformer_options(const RunConfig& config, const Model& model) {
    const bool pi_zero = config.preset == "pi-zero-2w";
    if (!config.preset.empty() && !pi_zero)
        throw Error(fmt::format("unknown preset '{}' (known: pi-zero-2w)", config.preset));
    const ModelConfig& c = model.config();

    TransformerOptions o;
    if (pi_zero) o.sparse = kernels::SparseAttentionConfig::pi_zero_2w();
    o.sparse.kv_dtype = config.kv_type.value_or(kernels::KvDtype::F16);
    o.sparse.window = config.window.value_or(o.sparse.window);
    o.sparse.block_size = config.block.value_or(o.sparse.block_size);
    o.n_threads = pick<unsigned>(config.n_threads, pi_zero ? std::optional<unsigned>(4) : std::nullopt, physical_cores());
    o.n_batch = config.n_batch;
    o.attention = config.attention.value_or(AttentionMode::Sparse);
    o.gate_top_k = config.gate_top_k;
    o.track_salience = config.track_salience;
    o.n_ctx = config.n_ctx.value_or(pi_zero ? c.n_ctx_train : std::min(c.n_ctx_train, kDefaultContext));
    if (o.n_ctx < 1) throw Error(fmt::format("context size {} must be at least 1", o.n_ctx));
    o.kv_budget = config.kv_budget.value_or(0);
    if (pi_zero && !config.kv_budget) o.kv_budget = kv_budget_for_rss(model, o, kPiZeroRssLimit, current_rss_bytes());
    return o;
}

int64_t kv_budget_for_rss(const Model& model, const TransformerOptions& options, uint64_t rss_limit, uint64_t rss_now) {
    const ModelConfig& c = model.config();
    const uint64_t fixed = rss_now + model.weight_bytes() + Transformer::scratch_bytes(c, options.n_batch) + rss_limit / 16;
    const uint64_t block = options.sparse.block_size;
    const uint64_t per_block = KvStore::bytes_for(c, kv_shape(options, block));  // exact for whole blocks
    const int64_t cap = c.n_ctx_train;
    int64_t budget = fixed < rss_limit ? static_cast<int64_t>((rss_limit - fixed) / per_block * block) : 0;
    budget = std::min(budget, cap);
    const size_t window = options.sparse.window;  // any size_t: the floor saturates instead of wrapping
    const size_t minimum = kernels::saturating_add(
        kernels::saturating_add(kernels::saturating_add(window, window), options.sparse.global_tokens.size()), 1);
    if (budget < 0 || static_cast<uint64_t>(budget) < minimum)
        throw Error(fmt::format("{}: a peak RSS under {} MiB leaves room for {} KV slots, fewer than {} "
                                "(weights {} MiB, process {} MiB)",
                                model.file().source(), rss_limit >> 20, budget, minimum, model.weight_bytes() >> 20,
                                rss_now >> 20));
    return budget;
}

AttentionMode parse_attention_mode(const std::string& name) {
    if (name == "dense") return AttentionMode::Dense;
    if (name == "sparse") return AttentionMode::Sparse;
    if (name == "gated") return AttentionMode::Gated;
    throw Error(fmt::format("unknown attention '{}' (dense, sparse, gated)", name));
}

const char* attention_mode_name(AttentionMode mode) {
    switch (mode) {
        case AttentionMode::Dense: return "dense";
        case AttentionMode::Sparse: return "sparse";
        case AttentionMode::Gated: return "gated";
    }
    return "?";
}

kernels::KvDtype parse_kv_type(const std::string& name) {
    if (name == "f16") return kernels::KvDtype::F16;
    if (name == "f32") return kernels::KvDtype::F32;
    throw Error(fmt::format("unknown KV cache type '{}' (f16, f32)", name));
}

DeadlinePolicy parse_deadline_policy(const std::string& name) {
    if (name == "stop") return DeadlinePolicy::Stop;
    if (name == "degrade") return DeadlinePolicy::Degrade;
    throw Error(fmt::format("unknown deadline policy '{}' (stop, degrade)", name));
}

}  // namespace runtime
