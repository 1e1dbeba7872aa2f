#include "src/model_bench.h"

#include <algorithm>
#include <chrono>
#include <cmath>

#include <fmt/format.h>

#include "src/json_writer.h"
#include "src/rng.h"
#include "src/run_config.h"
#include "src/runtime_error.h"
#include "src/system_info.h"

namespace runtime {
namespace {

using Clock = std::chrono::steady_clock;

void mean_and_stddev(const std::vector<double>& x, double& mean, double& stddev) {
    double sum = 0.0;
    for (double v : x) sum += v;
    mean = sum / static_cast<double>(x.size());
    double squares = 0.0;
    for (double v : x) squares += (v - mean) * (v - mean);
    stddev = x.size() > 1 ? std::sqrt(squares / static_cast<double>(x.size() - 1)) : 0.0;
}

// One timed run: prefill `depth` tokens untimed, then either one prompt of n_prompt tokens or n_gen decodes.
double time_one(Transformer& t, const std::vector<int32_t>& tokens, const ModelBenchResult& test, std::vector<float>& logits) {
    t.reset();
    if (test.n_depth > 0) t.forward(tokens.data(), static_cast<size_t>(test.n_depth), logits.data());
    const int32_t* next = tokens.data() + test.n_depth;
    const Clock::time_point start = Clock::now();
    if (test.n_prompt > 0) t.forward(next, static_cast<size_t>(test.n_prompt), logits.data());
    for (int64_t i = 0; i < test.n_gen; ++i) t.forward(next + i, 1, logits.data());
    return std::chrono::duration<double, std::nano>(Clock::now() - start).count();
}

}  // namespace

std::string ModelBenchResult::name() const {
    const std::string test = n_prompt > 0 ? fmt::format("pp{}", n_prompt) : fmt::format("tg{}", n_gen);
    return n_depth > 0 ? fmt::format("{} @ d{}", test, n_depth) : test;
}

ModelBenchReport run_model_bench(const Model& model, const std::string& filename, ModelBenchParams params) {
    if (params.repetitions < 1) throw Error("bench model: at least one repetition");
    ModelBenchReport report;
    report.model_filename = filename;
    report.model_bytes = model.weight_bytes();

    std::vector<ModelBenchResult> tests;
    for (int64_t d : params.depth) {
        for (int64_t p : params.n_prompt)
            if (p > 0) tests.push_back({p, 0, d});
        for (int64_t n : params.n_gen)
            if (n > 0) tests.push_back({0, n, d});
    }
    int64_t longest = 1;
    for (const ModelBenchResult& t : tests) {
        if (t.n_depth < 0) throw Error(fmt::format("bench model: negative depth {}", t.n_depth));
        longest = std::max(longest, t.n_depth + t.n_prompt + t.n_gen);
    }
    params.options.n_ctx = std::max(params.options.n_ctx, longest);
    report.params = params;

    Rng rng(42);
    std::vector<int32_t> tokens(static_cast<size_t>(longest));
    for (int32_t& token : tokens) token = static_cast<int32_t>(rng.next() % static_cast<uint64_t>(model.config().n_vocab));
    std::vector<float> logits(static_cast<size_t>(model.config().n_vocab));
    Transformer transformer(model, params.options);
    transformer.warm_up();

    for (ModelBenchResult& test : tests) {
        for (int r = 0; r < params.repetitions; ++r) {
            const double ns = time_one(transformer, tokens, test, logits);
            test.samples_ns.push_back(ns);
            test.samples_ts.push_back(static_cast<double>(test.n_prompt + test.n_gen) * 1e9 / ns);
        }
        mean_and_stddev(test.samples_ns, test.avg_ns, test.stddev_ns);
        mean_and_stddev(test.samples_ts, test.avg_ts, test.stddev_ts);
    }
    report.results = std::move(tests);
    report.peak_rss_mb = static_cast<double>(peak_rss_bytes()) / (1 << 20);
    return report;
}

std::string model_bench_json(const ModelBenchReport& report) {
    const TransformerOptions& o = report.params.options;
    JsonWriter json;
    json.begin_array();
    for (const ModelBenchResult& r : report.results) {
        json.begin_object()
            .key("model_filename").value(report.model_filename)
            .key("model_size").value(report.model_bytes)
            .key("n_threads").value(o.n_threads)
            .key("n_batch").value(o.n_batch)
            .key("n_prompt").value(r.n_prompt)
            .key("n_gen").value(r.n_gen)
            .key("n_depth").value(r.n_depth)
            .key("attention").value(attention_mode_name(o.attention))
            .key("window").value(o.sparse.window)
            .key("kv_type").value(o.sparse.kv_dtype == kernels::KvDtype::F16 ? "f16" : "f32")
            .key("avg_ns").value(static_cast<uint64_t>(r.avg_ns))
            .key("stddev_ns").value(static_cast<uint64_t>(r.stddev_ns))
            .key("avg_ts").value(r.avg_ts)
            .key("stddev_ts").value(r.stddev_ts)
            .key("samples_ns").begin_array();
        for (double ns : r.samples_ns) json.value(static_cast<uint64_t>(ns));
        json.end_array().key("samples_ts").begin_array();
        for (double ts : r.samples_ts) json.value(ts);
        json.end_array().key("peak_rss_mb").value(report.peak_rss_mb).end_object();
    }
    json.end_array();
    return json.str() + "\n";
}

std::string model_bench_markdown(const ModelBenchReport& report) {
    const TransformerOptions& o = report.params.options;
    std::string out = "| model | size | threads | attention | kv | test | t/s |\n|---|--:|--:|---|---|--:|--:|\n";
    for (const ModelBenchResult& r : report.results)
        out += fmt::format("| {} | {:.2f} MiB | {} | {} | {} | {} | {:.2f} ± {:.2f} |\n", report.model_filename,
                           report.model_bytes / 1048576.0, o.n_threads, attention_mode_name(o.attention),
                           o.sparse.kv_dtype == kernels::KvDtype::F16 ? "f16" : "f32", r.name(), r.avg_ts, r.stddev_ts);
    out += fmt::format("\npeak RSS {:.1f} MiB\n", report.peak_rss_mb);
    return out;
}

}  // namespace runtime
