// From what a user asks for (`sparse-llm run` flags, a --preset) to the runtime's options, with the
// defaults filled in from the model and the machine.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "kernels/attention/attention_config.h"
#include "src/generation.h"
#include "src/model.h"
#include "src/sampler.h"
#include "src/transformer.h"

namespace runtime {

// Every knob of a run; unset optionals take the preset's value, else the default.
struct RunConfig {
    std::string preset;                       // "" or "pi-zero-2w"
    std::optional<int64_t> n_ctx;             // default: min(context the model was trained for, 4096)
    std::optional<unsigned> n_threads;        // default: physical cores
    int64_t n_batch = 512;
    std::optional<AttentionMode> attention;   // default sparse
    std::optional<size_t> window;             // default: the kernel library's (128), preset 64
    std::optional<size_t> block;              // default 64, preset 32
    std::optional<kernels::KvDtype> kv_type;  // default f16
    std::optional<int64_t> kv_budget;         // default none (0), preset: computed from the RSS limit
    size_t gate_top_k = 64;
    bool track_salience = false;              // needed by --on-deadline degrade
};

// The pi-zero-2w preset (spec §2.2): window 64, block 32, sorted candidates, fp16 KV, tile 16, 4 threads,
// and a KV budget that keeps the peak RSS under this limit.
constexpr uint64_t kPiZeroRssLimit = 400ull << 20;

// Throws runtime::Error for an unknown preset or a memory limit the model cannot meet.
TransformerOptions transformer_options(const RunConfig& config, const Model& model);

// KV slots per layer that keep the process's peak RSS under rss_limit: what it holds now (rss_now: the
// tokenizer, code, heap), plus the whole mapped weight data (every page is read), plus the forward pass's
// scratch, plus the KV cache, plus a margin of 1/16 of the limit for allocator slack and stacks.
// Capped at the context the model was trained for. Throws runtime::Error when not even 2 windows fit.
int64_t kv_budget_for_rss(const Model& model, const TransformerOptions& options, uint64_t rss_limit, uint64_t rss_now);

// Parses "dense", "sparse", "gated"; "f16", "f32"; "stop", "degrade". Throw runtime::Error naming the value.
AttentionMode parse_attention_mode(const std::string& name);
kernels::KvDtype parse_kv_type(const std::string& name);
DeadlinePolicy parse_deadline_policy(const std::string& name);
const char* attention_mode_name(AttentionMode mode);

}  // namespace runtime
