// `sparse-llm bench model`: prompt processing (pp) and generation (tg) speed of a whole model, measured as
// llama-bench measures it, so the two line up field for field:
//   pp<P>:  P random tokens as one prompt (in -b batches) into an empty cache;
//   tg<N>:  N one-token decodes from an empty cache;
//   @ d<D>: the cache first holds D random tokens (prefilled, not timed) — where sparse attention pays off.
// Every repetition starts from a reset cache; one warm-up pass runs first.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "src/model.h"
#include "src/transformer.h"

namespace runtime {

struct ModelBenchParams {
    std::vector<int64_t> n_prompt{512};
    std::vector<int64_t> n_gen{128};
    std::vector<int64_t> depth{0};
    int repetitions = 5;
    TransformerOptions options;  // threads, batch, attention, KV type; n_ctx is raised to fit every test
};

struct ModelBenchResult {
    int64_t n_prompt = 0, n_gen = 0, n_depth = 0;
    std::vector<double> samples_ns;  // per repetition
    std::vector<double> samples_ts;  // tokens per second per repetition
    double avg_ns = 0, stddev_ns = 0, avg_ts = 0, stddev_ts = 0;

    std::string name() const;  // "pp512", "tg128 @ d4096"
};

struct ModelBenchReport {
    std::string model_filename;
    uint64_t model_bytes = 0;
    ModelBenchParams params;
    std::vector<ModelBenchResult> results;
    double peak_rss_mb = 0;
};

// Throws runtime::Error for a repetition count < 1 or negative sizes.
ModelBenchReport run_model_bench(const Model& model, const std::string& filename, ModelBenchParams params);

// llama-bench's field names (model_filename, n_threads, n_prompt, n_gen, n_depth, avg_ns, stddev_ns, avg_ts,
// stddev_ts, samples_ns, samples_ts) plus attention, kv_type, window, peak_rss_mb: a JSON array, one object
// per test.
std::string model_bench_json(const ModelBenchReport& report);
std::string model_bench_markdown(const ModelBenchReport& report);

}  // namespace runtime
