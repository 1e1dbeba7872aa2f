#include "src/run_defaults.h"

#include <algorithm>

#include <fmt/format.h>

#include "kernels/common/size_math.h"
#include "src/kv_store.h"
#include "src/runtime_error.h"
#include "src/system_info.h"
#include "src/transformer.h"

namespace runtime {
namespace {

constexpr int64_t kDefaultContext = 4096;
constexpr unsigned kPiZeroThreads = 4;

}  // namespace

RunConfig unresolved_run_config() {
    RunConfig config;
    config.n_ctx = 0;
    config.n_threads = 0;
    config.kv_budget = -1;
    return config;
}

void apply_preset(const std::string& preset, RunConfig& config) {
    if (preset == kPiZeroPreset) config.sparse = kernels::SparseAttentionConfig::pi_zero_2w();
}

RunConfig resolve_run_config(RunConfig config, const std::string& preset, const Model& model) {
    const bool pi_zero = preset == kPiZeroPreset;
    if (!preset.empty() && !pi_zero) throw Error(fmt::format("unknown preset '{}' (known: {})", preset, kPiZeroPreset));
    const int64_t trained = model.config().n_ctx_train;
    if (config.n_threads == 0) config.n_threads = pi_zero ? kPiZeroThreads : physical_cores();
    if (config.n_ctx == 0) config.n_ctx = pi_zero ? trained : std::min(trained, kDefaultContext);
    if (config.n_ctx < 1) throw Error(fmt::format("context size {} must be at least 1", config.n_ctx));
    if (config.kv_budget < 0)
        config.kv_budget = pi_zero ? kv_budget_for_rss(model, config, kPiZeroRssLimit, current_rss_bytes()) : 0;
    return config;
}

int64_t kv_budget_for_rss(const Model& model, const RunConfig& config, uint64_t rss_limit, uint64_t rss_now) {
    const ModelConfig& c = model.config();
    const uint64_t fixed =
        rss_now + model.weight_bytes() + Transformer::scratch_bytes(c, config.n_batch) + rss_limit / 16;
    const uint64_t block = config.sparse.block_size;
    const uint64_t per_block = KvStore::bytes_for(c, config, block);  // exact for whole blocks
    const int64_t cap = config.n_ctx > 0 ? std::min(c.n_ctx_train, config.n_ctx) : c.n_ctx_train;
    const uint64_t fits = fixed < rss_limit ? (rss_limit - fixed) / per_block * block : 0;
    const size_t window = config.sparse.window;  // any size_t: the floor saturates instead of wrapping
    const size_t minimum = kernels::saturating_add(
        kernels::saturating_add(kernels::saturating_add(window, window), config.sparse.global_tokens.size()), 1);
    if (cap > 0 && static_cast<uint64_t>(cap) <= fits && static_cast<uint64_t>(cap) < minimum)
        return 0;  // the whole (short) context fits: no eviction, the context is the bound
    const int64_t budget = static_cast<int64_t>(std::min<uint64_t>(fits, static_cast<uint64_t>(std::max<int64_t>(cap, 0))));
    if (static_cast<uint64_t>(budget) < minimum)
        throw Error(fmt::format("{}: a peak RSS under {} MiB leaves room for {} KV slots, fewer than {} "
                                "(weights {} MiB, process {} MiB)",
                                model.file().source(), rss_limit >> 20, budget, minimum, model.weight_bytes() >> 20,
                                rss_now >> 20));
    return budget;
}

uint64_t MemoryNeed::total() const {
    using kernels::saturating_add;
    return saturating_add(saturating_add(process, weights), saturating_add(scratch, kv));
}

MemoryNeed memory_need(const Model& model, const RunConfig& config, uint64_t rss_now, uint64_t sequences) {
    using kernels::saturating_mul;
    MemoryNeed need;
    need.process = rss_now;
    need.weights = model.weight_bytes();
    need.scratch = saturating_mul(sequences, Transformer::scratch_bytes(model.config(), config.n_batch));
    need.kv = saturating_mul(sequences, Transformer::kv_bytes_for(model.config(), config, config.n_ctx));
    return need;
}

void check_memory(const Model& model, const RunConfig& config, uint64_t limit, uint64_t rss_now, uint64_t sequences) {
    const MemoryNeed need = memory_need(model, config, rss_now, sequences);
    if (limit == 0 || need.total() <= limit) return;
    const auto mib = [](uint64_t bytes) { return static_cast<double>(bytes) / (1024.0 * 1024.0); };
    throw Error(fmt::format("{}: needs {:.1f} MiB, more than the {:.1f} MiB allowed (--max-memory): weights {:.1f}, "
                            "KV cache for {} x {} tokens {:.1f}, scratch for batches of {} {:.1f}, the process so far "
                            "{:.1f}; lower -c, set --kv-budget, or raise --max-memory",
                            model.file().source(), mib(need.total()), mib(limit), mib(need.weights), sequences,
                            config.n_ctx, mib(need.kv), config.n_batch, mib(need.scratch), mib(need.process)));
}

}  // namespace runtime
