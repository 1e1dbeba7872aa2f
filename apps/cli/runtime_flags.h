// The flags that shape a forward pass, shared by `run`, `perplexity` and `bench model`: the attention knobs,
// KV cache type and budget, and the preset (CacheFlags); for a single run also threads, batch and attention
// (RuntimeFlags; `bench model` takes lists of those instead). -c is each command's own: a context for run, a
// window size for perplexity.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "src/run_config.h"

struct CacheFlags {
    std::string kv_type, preset;
    size_t window = 0, block = 0, gate_top_k = 64;
    int64_t kv_budget = 0;
};

struct RuntimeFlags {
    unsigned threads = 0;
    int64_t batch = 512;
    std::string attention;
    CacheFlags cache;
};

// --window --block --gate-top-k --kv-budget --kv-type --preset
void add_cache_flags(CLI::App& sub, CacheFlags& flags);
// -t / --threads: thread counts in 1 .. flags::kMaxThreads (T: unsigned, or a list of them).
template <typename T>
CLI::Option* add_threads_flag(CLI::App& sub, T& threads, const std::string& help);
// -b / --batch-size: prompt tokens per forward step, 1 .. flags::kMaxTokens.
CLI::Option* add_batch_flag(CLI::App& sub, int64_t& batch);
// -t -b --attention and the cache flags
void add_runtime_flags(CLI::App& sub, RuntimeFlags& flags);

// The run configuration of what was given on `sub`; flags not given keep the preset's or the default value.
// Throws runtime::Error for an unknown attention or KV type.
runtime::RunConfig run_config(const CLI::App& sub, const CacheFlags& flags);
runtime::RunConfig run_config(const CLI::App& sub, const RuntimeFlags& flags);
