// The run configuration: every knob of a forward pass in one struct, from the command line's flags
// (apps/cli/runtime_flags.h) down to the attention kernel's own config, read where each value is used — the
// Transformer sizes its thread pool and batches by it, the KvStore its caches, H2O protection and saliences,
// the kernel its candidates. Library users fill it directly; the command line leaves the context, threads
// and KV budget open and src/run_defaults.h resolves them (and the preset) into it once the model is open.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "kernels/attention/attention_config.h"

namespace runtime {

// The kernel library's default candidate rules with an fp16 KV cache.
kernels::SparseAttentionConfig default_attention();

struct RunConfig {
    int64_t n_ctx = 4096;      // KV slots per layer (without a budget: the longest sequence)
    int64_t kv_budget = 0;     // > 0: KV slots per layer with H2O eviction; positions are then unbounded
    int64_t n_batch = 512;     // prompt tokens per forward step
    unsigned n_threads = 1;
    kernels::AttentionPath attention = kernels::AttentionPath::Sparse;
    // Window (also what H2O protects), block size, globals, sort; kv_dtype picks the cache type (fp16 by
    // default, as llama.cpp's).
    kernels::SparseAttentionConfig sparse = default_attention();
    size_t gate_top_k = 64;       // gated path: salient slots kept beyond window and globals
    bool track_salience = false;  // also keep saliences when not gated (to switch to gated later)
};

// The names of `--attention` ("dense", "sparse", "gated") and `--kv-type` ("f16", "f32"). The parsers throw
// runtime::Error naming the value.
kernels::AttentionPath parse_attention(const std::string& name);
const char* attention_name(kernels::AttentionPath path);
kernels::KvDtype parse_kv_type(const std::string& name);
const char* kv_type_name(kernels::KvDtype type);

}  // namespace runtime
