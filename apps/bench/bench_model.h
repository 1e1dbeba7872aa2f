// `sparse-llm bench model`: prompt processing (pp) and generation (tg) speed of a whole model, measured as
// llama-bench measures it so the two line up field for field, across attention backends and thread counts:
//   pp<P>:  P random tokens as one prompt (in -b batches) after the depth;
//   tg<N>:  N one-token decodes of random tokens after the depth;
//   tg<N> x<S>: S sequences (each at the depth) decoding together: N batched passes of S tokens each
//           (Transformer::decode_batch, as `serve` batches its slots); t/s counts all S x N tokens;
//   @ d<D>: the cache first holds D tokens (BOS when the model adds one, then random tokens) — where sparse
//           attention pays off. They go through the model once per configuration and depth, as a batched
//           prefill like any prompt (so the cache holds real keys and values, landmarks, attention mass and
//           saliences, and H2O has evicted what it would); the caches are then saved, and every run starts
//           by restoring them (a copy; llama-bench keeps its state the same way). Neither is timed.
// Per configuration (attention, threads): the transformer's warm-up step first; per test one untimed run (the
// prompt, or one decode) before `repetitions` timed ones. Only the forward passes are timed: no loading,
// tokenization or sampling.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "apps/report/bench_output.h"
#include "apps/report/svg_plot.h"
#include "src/model.h"
#include "src/transformer.h"

namespace bench {

struct ModelBenchParams {
    std::vector<int64_t> n_prompt{512};
    std::vector<int64_t> n_gen{128};
    std::vector<int64_t> depth{0};
    std::vector<int64_t> sequences{1};  // tg tests per count of sequences decoding together
    std::vector<kernels::AttentionPath> attention{kernels::AttentionPath::Sparse};
    std::vector<unsigned> threads;  // empty: config.n_threads
    int repetitions = 5;
    int32_t bos = -1;               // the first token when >= 0 (models that add BOS)
    runtime::RunConfig config;      // batch, window, block, KV type and budget; n_ctx is raised to fit every test
};

struct ModelBenchResult {
    kernels::AttentionPath attention = kernels::AttentionPath::Sparse;
    unsigned n_threads = 1;
    int64_t n_prompt = 0, n_gen = 0, n_depth = 0, n_sequences = 1;
    std::string test_time;           // when the test started, RFC 3339 UTC
    std::vector<double> samples_ns;  // per repetition
    std::vector<double> samples_ts;  // tokens per second per repetition
    double avg_ns = 0, stddev_ns = 0, avg_ts = 0, stddev_ts = 0;  // mean and sample standard deviation
    uint64_t kv_bytes = 0;           // the caches' bytes for depth + the test's tokens (at most the budget)
    double peak_rss_mb = 0;          // peak RSS while this configuration and depth ran (MiB)

    std::string name() const;  // "pp512", "tg128 @ d4096", "tg128 x4"
};

struct ModelBenchReport {
    std::string model_filename;
    std::string model_type;  // "llama 135M Q4_0": architecture, parameters, llama.cpp file type
    uint64_t model_size = 0;
    uint64_t model_n_params = 0;
    std::string isa;  // the instruction set the kernels ran (kernels/common/isa.h)
    runtime::RunConfig config;  // shared by every result (each has its own threads and attention)
    std::vector<ModelBenchResult> results;
};

// Told what runs next, e.g. "sparse, 2 threads, pp512 @ d2048: run 2/5".
using ModelBenchProgress = std::function<void(const std::string& step)>;

// Throws bench::Error for a repetition count < 1, negative sizes, or no test.
ModelBenchReport run_model_bench(const runtime::Model& model, const std::string& filename, const ModelBenchParams& params,
                                 const ModelBenchProgress& progress = {});

// llama-bench's fields (model_filename, model_type, model_size, model_n_params, n_batch, n_threads, type_k,
// type_v, n_prompt, n_gen, n_depth, test_time, avg_ns, stddev_ns, avg_ts, stddev_ts, samples_ns, samples_ts)
// plus n_sequences, attention, isa, kv_type, window, block, kv_budget, test, kv_bytes, peak_rss_mb; the Markdown table shows
// model, size, params, attention, threads, isa, test, t/s (mean ± sd), peak RSS and KV.
report::BenchOutput model_bench_output(const ModelBenchReport& report);

// Milliseconds per token against the sequence length at the end of each test, one line per attention and
// test size (and thread count, when there are several).
report::SvgPlot plot_model_bench(const ModelBenchReport& report);

}  // namespace bench
