// The flags that shape a forward pass, shared by `run`, `perplexity` and `bench model`: the attention knobs,
// KV cache type and budget, and the preset (the cache flags); for a single run also threads, batch and
// attention (`bench model` takes lists of threads and attention instead). They write straight into one
// runtime::RunConfig; the defaults they leave open are resolved into it once the model is open
// (src/run_defaults.h). -c is each command's own: a context for run, a window size for perplexity.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "src/run_config.h"
#include "src/run_defaults.h"

namespace cli {

struct RuntimeFlags {
    runtime::RunConfig config = runtime::unresolved_run_config();
    // Names, checked after the model is open (a bad one is an error, exit 1, not a usage error): attention and
    // KV type by given_run_config(), the preset by runtime::resolve_run_config().
    std::string preset, attention = "sparse", kv_type = "f16";
    uint64_t max_memory_mb = 0;  // 0: the machine's memory
};

// --preset --window --block --gate-top-k --kv-budget --kv-type --max-memory
void add_cache_flags(CLI::App& sub, RuntimeFlags& flags);
// -t / --threads: thread counts in 1 .. flags::kMaxThreads (T: unsigned, or a list of them).
template <typename T>
CLI::Option* add_threads_flag(CLI::App& sub, T& threads, const std::string& help);
// -b / --batch-size: prompt tokens per forward step, 1 .. flags::kMaxTokens.
CLI::Option* add_batch_flag(CLI::App& sub, int64_t& batch);
// -t -b --attention and the cache flags
void add_runtime_flags(CLI::App& sub, RuntimeFlags& flags);

// The configuration the flags give, the names parsed; what they left open is still to resolve
// (runtime::resolve_run_config). Throws runtime::Error for an unknown attention or KV type.
runtime::RunConfig given_run_config(const RuntimeFlags& flags);
// The same, resolved for the model: the preset's, the model's and the machine's defaults filled in. Throws
// runtime::Error when `sequences` transformers of it would need more than --max-memory (runtime::check_memory).
runtime::RunConfig resolved_run_config(const RuntimeFlags& flags, const runtime::Model& model, uint64_t sequences = 1);
// The same from `given` (given_run_config's, adjusted by the caller).
runtime::RunConfig resolved_run_config(const RuntimeFlags& flags, const runtime::RunConfig& given,
                                       const runtime::Model& model, uint64_t sequences);

}  // namespace cli
