#include "apps/cli/runtime_flags.h"

#include "apps/cli/flag_checks.h"
#include "src/system_info.h"

namespace cli {

void add_cache_flags(CLI::App& sub, RuntimeFlags& f) {
    // Added first: CLI11 runs the callbacks of the given options in the order they were added, so the flags
    // below write over what the preset sets.
    sub.add_option_function<std::string>(
        "--preset",
        [&f](const std::string& name) {
            f.preset = name;
            runtime::apply_preset(name, f.config);
        },
        "pi-zero-2w: window 64, block 32, 4 threads, KV budget for 400 MB RSS");
    sub.add_option("--window", f.config.sparse.window, "Sparse attention local window (default 128)")
        ->check(flags::integer(1, flags::kMaxTokens));
    sub.add_option("--block", f.config.sparse.block_size, "Landmark block size (default 64)")
        ->check(flags::integer(1, flags::kMaxTokens));
    sub.add_option("--gate-top-k", f.config.gate_top_k, "Gated attention: salient tokens kept")
        ->capture_default_str()
        ->check(flags::integer(0, flags::kMaxTokens));
    sub.add_option("--kv-budget", f.config.kv_budget, "KV slots per layer with H2O eviction (0: none)")
        ->check(flags::integer(0, flags::kMaxTokens));
    sub.add_option("--kv-type", f.kv_type, "KV cache f16 | f32 (default f16)");
    sub.add_option("--max-memory", f.max_memory_mb,
                   "MB the model, KV cache and scratch may need at most; more is refused before anything runs "
                   "(default: the machine's memory)")
        ->check(flags::integer(1, INT32_MAX));
}

template <typename T>
CLI::Option* add_threads_flag(CLI::App& sub, T& threads, const std::string& help) {
    return sub.add_option("-t,--threads", threads, help)->check(flags::integer(1, flags::kMaxThreads));
}
template CLI::Option* add_threads_flag(CLI::App&, unsigned&, const std::string&);
template CLI::Option* add_threads_flag(CLI::App&, std::vector<unsigned>&, const std::string&);

CLI::Option* add_batch_flag(CLI::App& sub, int64_t& batch) {
    return sub.add_option("-b,--batch-size", batch, "Prompt tokens per forward step")
        ->capture_default_str()
        ->check(flags::integer(1, flags::kMaxTokens));
}

void add_runtime_flags(CLI::App& sub, RuntimeFlags& f) {
    add_threads_flag(sub, f.config.n_threads, "Threads; default: physical cores");
    add_batch_flag(sub, f.config.n_batch);
    sub.add_option("--attention", f.attention, "dense | sparse | gated (default sparse)");
    add_cache_flags(sub, f);
}

runtime::RunConfig given_run_config(const RuntimeFlags& f) {
    runtime::RunConfig c = f.config;
    c.sparse.kv_dtype = runtime::parse_kv_type(f.kv_type);
    c.attention = runtime::parse_attention(f.attention);
    return c;
}

runtime::RunConfig resolved_run_config(const RuntimeFlags& f, const runtime::Model& model, uint64_t sequences) {
    return resolved_run_config(f, given_run_config(f), model, sequences);
}

runtime::RunConfig resolved_run_config(const RuntimeFlags& f, const runtime::RunConfig& given, const runtime::Model& model,
                                       uint64_t sequences) {
    const runtime::RunConfig config = runtime::resolve_run_config(given, f.preset, model);
    const uint64_t limit = f.max_memory_mb > 0 ? f.max_memory_mb << 20 : runtime::machine_memory_bytes();
    runtime::check_memory(model, config, limit, runtime::current_rss_bytes(), sequences);
    return config;
}

}  // namespace cli
