// The defaults of a run that a command line leaves open: the preset (pi-zero-2w), and the values that depend on
// the model and the machine. The flags write into unresolved_run_config(), whose context, thread count and
// KV budget say "not given"; resolve_run_config() fills those in once the model is open:
//   context   min(the context the model was trained for, 4096); the preset: all of it
//   threads   the machine's physical cores; the preset: 4
//   KV budget none; the preset: computed so the peak RSS stays under kPiZeroRssLimit, at most the context
#pragma once

#include <cstdint>
#include <string>

#include "src/model.h"
#include "src/run_config.h"

namespace runtime {

// The pi-zero-2w preset (spec §2.2): the kernel library's pi_zero_2w() attention (window 64, block 32, sorted
// candidates, tile 16, fp16 KV), 4 threads, the whole trained context, and a KV budget that keeps the peak
// RSS under this limit.
constexpr const char* kPiZeroPreset = "pi-zero-2w";
constexpr uint64_t kPiZeroRssLimit = 400ull << 20;

// A RunConfig with the context and thread count 0 and the KV budget -1: left to resolve_run_config().
RunConfig unresolved_run_config();

// Sets the preset's attention config, before any flag given on top of it. An unknown name changes nothing
// (resolve_run_config() reports it).
void apply_preset(const std::string& preset, RunConfig& config);

// Fills in the context, threads and KV budget left open (see the top of this file). Throws runtime::Error
// for an unknown preset, a context below 1 or a memory limit the model cannot meet.
RunConfig resolve_run_config(RunConfig config, const std::string& preset, const Model& model);

// KV slots per layer that keep the process's peak RSS under rss_limit: what it holds now (rss_now: the
// tokenizer, code, heap), plus the whole mapped weight data (every page is read), plus the forward pass's
// scratch for a full batch, plus the KV cache with every slot filled, plus a margin of 1/16 of the limit for
// allocator slack and stacks. (The caches and scratch take memory only as they fill: this is the peak of a
// run that fills them.) Capped at the run's context (config.n_ctx, when set) and the context the model was
// trained for; 0 (no eviction) when that context is shorter than 2 windows and fits whole. Throws
// runtime::Error when not even 2 windows fit.
int64_t kv_budget_for_rss(const Model& model, const RunConfig& config, uint64_t rss_limit, uint64_t rss_now);

// What `sequences` transformers of `config` need at their peak, as kv_budget_for_rss counts it: the process now,
// the whole mapped weight data, each one's scratch for a full batch and KV cache with its context (or KV budget)
// filled.
struct MemoryNeed {
    uint64_t process = 0, weights = 0, scratch = 0, kv = 0;
    uint64_t total() const;
};
MemoryNeed memory_need(const Model& model, const RunConfig& config, uint64_t rss_now, uint64_t sequences = 1);
// Throws runtime::Error naming the need and its parts when it exceeds `limit` bytes (0: no limit).
void check_memory(const Model& model, const RunConfig& config, uint64_t limit, uint64_t rss_now, uint64_t sequences = 1);

}  // namespace runtime
