#include "apps/runtime_flags.h"

void add_cache_flags(CLI::App& sub, CacheFlags& f) {
    sub.add_option("--window", f.window, "Sparse attention local window (default 128)");
    sub.add_option("--block", f.block, "Landmark block size (default 64)")->check(CLI::PositiveNumber);
    sub.add_option("--gate-top-k", f.gate_top_k, "Gated attention: salient tokens kept")->capture_default_str();
    sub.add_option("--kv-budget", f.kv_budget, "KV slots per layer with H2O eviction (0: none)")->check(CLI::NonNegativeNumber);
    sub.add_option("--kv-type", f.kv_type, "KV cache f16 | f32 (default f16)");
    sub.add_option("--preset", f.preset, "pi-zero-2w: window 64, block 32, 4 threads, KV budget for 400 MB RSS");
}

void add_runtime_flags(CLI::App& sub, RuntimeFlags& f) {
    sub.add_option("-t,--threads", f.threads, "Threads; default: physical cores")->check(CLI::PositiveNumber);
    sub.add_option("-b,--batch-size", f.batch, "Prompt tokens per forward step")->capture_default_str()->check(CLI::PositiveNumber);
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
