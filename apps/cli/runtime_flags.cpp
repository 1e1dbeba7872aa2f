#include "apps/cli/runtime_flags.h"

#include "apps/cli/flag_checks.h"

void add_cache_flags(CLI::App& sub, CacheFlags& f) {
    sub.add_option("--window", f.window, "Sparse attention local window (default 128)")
        ->check(flags::integer(1, flags::kMaxTokens));
    sub.add_option("--block", f.block, "Landmark block size (default 64)")->check(flags::integer(1, flags::kMaxTokens));
    sub.add_option("--gate-top-k", f.gate_top_k, "Gated attention: salient tokens kept")
        ->capture_default_str()
        ->check(flags::integer(0, flags::kMaxTokens));
    sub.add_option("--kv-budget", f.kv_budget, "KV slots per layer with H2O eviction (0: none)")
        ->check(flags::integer(0, flags::kMaxTokens));
    sub.add_option("--kv-type", f.kv_type, "KV cache f16 | f32 (default f16)");
    sub.add_option("--preset", f.preset, "pi-zero-2w: window 64, block 32, 4 threads, KV budget for 400 MB RSS");
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
    add_threads_flag(sub, f.threads, "Threads; default: physical cores");
    add_batch_flag(sub, f.batch);
    sub.add_option("--attention", f.attention, "dense | sparse | gated (default sparse)");
    add_cache_flags(sub, f.cache);
}

runtime::RunConfig run_config(const CLI::App& sub, const CacheFlags& f) {
    const auto given = [&](const char* name) { return sub.count(name) > 0; };
    runtime::RunConfig c;
    c.preset = f.preset;
    if (given("--window")) c.window = f.window;
    if (given("--block")) c.block = f.block;
    if (given("--kv-type")) c.kv_type = runtime::parse_kv_type(f.kv_type);
    if (given("--kv-budget")) c.kv_budget = f.kv_budget;
    c.gate_top_k = f.gate_top_k;
    return c;
}

runtime::RunConfig run_config(const CLI::App& sub, const RuntimeFlags& f) {
    runtime::RunConfig c = run_config(sub, f.cache);
    if (sub.count("-t") > 0) c.n_threads = f.threads;
    c.n_batch = f.batch;
    if (sub.count("--attention") > 0) c.attention = runtime::parse_attention_mode(f.attention);
    return c;
}
