// `sparse-llm bench attention`: times the attention kernels on seeded random tensors over a sweep of
// sequence lengths and reports per-token cost, candidate edges, speed-up over dense, and peak RSS.
//
// Backends (all causal, the config of the flags):
//   dense        dense_attention, MHA                        per token = forward time / seq
//   sparse       SparseAttention::forward, MHA
//   flash        forward_flash (tile = --tile, 0 = window)
//   gqa          forward_gqa with --kv-heads
//   gated        forward_gated_with_fastgrnn (gate hidden 16, top-k 8), gate scoring included
//   decode       f32 KvCache: append one row + attend_cached, at cache length seq   per token = one step
//   decode-f16   the same with KvCacheF16
//   decode-dense the same over every slot (the runtime's --attention dense), f32 cache
// speedup_vs_dense compares with `dense` (forward backends) or `decode-dense` (decode backends) at the same
// seq, when that row was measured. Times are the fastest single call over --runs runs (a run repeats
// short kernels for at least 20 ms).
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "apps/report/bench_output.h"
#include "apps/report/svg_plot.h"

namespace bench {

struct AttentionBenchOptions {
    std::vector<size_t> seqs{128, 256, 512, 1024, 2048, 4096, 8192, 16384, 32768};
    std::vector<std::string> backends{"dense", "sparse", "flash", "gqa", "gated", "decode", "decode-f16", "decode-dense"};
    size_t heads = 8;
    size_t kv_heads = 2;
    size_t dim = 64;
    size_t window = 128;
    size_t block = 64;
    size_t tile = 0;
    unsigned threads = 1;
    size_t dense_max = 8192;  // dense forward is skipped above this length
    unsigned runs = 3;
    // "wall" (steady clock) or "cpu": CPU time of the timing thread, for a shared, loaded machine where
    // wall time mostly measures waiting for a core. cpu needs threads == 1 (workers' time is not seen).
    std::string clock = "wall";
};

struct AttentionBenchRow {
    std::string backend;
    size_t seq, heads, kv_heads, dim, window, block;
    unsigned threads;
    double ms;            // one timed run: the whole forward, or one decode step
    double per_token_us;
    size_t edges;         // candidates (token + landmark) per head: whole sequence, or one decode step
    std::optional<double> speedup_vs_dense;
    double peak_rss_mb;   // of the process so far (getrusage)
};

const std::vector<std::string>& attention_bench_backends();

// Throws bench::Error for unknown backends or impossible shapes. on_row is called as rows finish.
std::vector<AttentionBenchRow> run_attention_bench(const AttentionBenchOptions& options,
                                                   const std::function<void(const AttentionBenchRow&)>& on_row = {});

// Per-token cost against sequence length, one line per backend (log-log: the costs span decades).
report::SvgPlot plot_attention_bench(const std::vector<AttentionBenchRow>& rows);

// One row per backend and length, in every output form.
report::BenchOutput attention_bench_output(const std::vector<AttentionBenchRow>& rows);

}  // namespace bench
