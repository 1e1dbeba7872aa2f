#include "apps/bench/bench_model.h"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cmath>
#include <ctime>
#include <memory>
#include <optional>

#include <fmt/format.h>

#include "apps/bench/bench_error.h"
#include "apps/info/model_info.h"
#include "gguf/file_type.h"
#include "kernels/common/isa.h"
#include "src/decode_batcher.h"
#include "src/rng.h"
#include "src/run_config.h"
#include "src/system_info.h"

namespace bench {

using runtime::attention_name;
using runtime::kv_type_name;
using runtime::RunConfig;
using runtime::Transformer;

namespace {

using Clock = std::chrono::steady_clock;
constexpr double kMiB = 1024.0 * 1024.0;

void mean_and_stddev(const std::vector<double>& x, double& mean, double& stddev) {
    double sum = 0.0;
    for (double v : x) sum += v;
    mean = sum / static_cast<double>(x.size());
    double squares = 0.0;
    for (double v : x) squares += (v - mean) * (v - mean);
    stddev = x.size() > 1 ? std::sqrt(squares / static_cast<double>(x.size() - 1)) : 0.0;
}

std::string utc_now() {
    const std::time_t now = std::time(nullptr);
    std::tm utc{};
    gmtime_r(&now, &utc);
    char text[32];
    std::strftime(text, sizeof text, "%FT%TZ", &utc);
    return text;
}

std::string count_label(uint64_t n) {
    if (n < 1000000) return fmt::format("{:.0f}K", n / 1e3);
    if (n < 1000000000) return fmt::format("{:.0f}M", n / 1e6);
    return fmt::format("{:.1f}B", n / 1e9);
}

// llama.cpp's model description: architecture, size, file type ("llama 135M Q4_0"); without
// general.file_type, the type holding the most bytes, "(guessed)" as llama.cpp marks it.
std::string model_type(const gguf::File& file, const info::ModelInfo& info) {
    std::string file_type;
    if (file.has("general.file_type")) {
        if (const auto known = gguf::file_type_from_id(file.get_uint("general.file_type"))) file_type = known->name;
    }
    if (file_type.empty() && !info.types.empty()) {
        const info::TypeTotal& most = *std::max_element(info.types.begin(), info.types.end(),
                                                  [](const info::TypeTotal& a, const info::TypeTotal& b) { return a.bytes < b.bytes; });
        std::string name(gguf::ggml_type_name(most.type));
        std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::toupper(c); });
        file_type = name + " (guessed)";
    }
    return fmt::format("{} {} {}", file.get_string_or("general.architecture", "?"), count_label(info.parameters), file_type);
}

struct TestSize {
    int64_t n_prompt, n_gen, n_sequences;
};

// The transformers of one configuration: the first for every test, more for tests of several sequences, all
// on one batcher's pool.
class Sequences {
public:
    Sequences(const runtime::Model& model, const RunConfig& config) : model_(model), config_(config), batcher_(config.n_threads) {
        grow(1);
    }
    Transformer& first() { return *all_.front(); }

    // Back to the depth (the saved caches, or empty ones at depth 0) for a test of `size`.
    void restore(const std::optional<Transformer::State>& at_depth, const TestSize& size) {
        grow(static_cast<size_t>(size.n_sequences));
        for (int64_t s = 0; s < size.n_sequences; ++s) {
            if (at_depth) all_[static_cast<size_t>(s)]->restore_state(*at_depth);
            else all_[static_cast<size_t>(s)]->reset();
        }
    }

    // One test's tokens after the depth: the prompt in one call, or the decodes one by one (in passes of
    // every sequence's token).
    void run(const int32_t* tokens, const TestSize& size, int64_t n_gen) {
        Transformer& t = first();
        if (size.n_prompt > 0) t.forward(tokens, static_cast<size_t>(size.n_prompt), logits_.data());
        for (int64_t i = 0; i < n_gen; ++i) {
            if (size.n_sequences == 1) {
                t.forward(tokens + i, 1, logits_.data());
                continue;
            }
            requests_.clear();
            for (int64_t s = 0; s < size.n_sequences; ++s)
                requests_.push_back({all_[static_cast<size_t>(s)].get(), tokens[i], logits_.data() + s * n_vocab()});
            Transformer::decode_batch(requests_.data(), requests_.size(), rows_);
        }
    }

private:
    int64_t n_vocab() const { return model_.config().n_vocab; }
    void grow(size_t n) {
        while (all_.size() < n) all_.push_back(std::make_unique<Transformer>(model_, config_, &batcher_));
        logits_.resize(n * static_cast<size_t>(n_vocab()));
    }

    const runtime::Model& model_;
    RunConfig config_;
    runtime::DecodeBatcher batcher_;
    std::vector<std::unique_ptr<Transformer>> all_;
    std::vector<runtime::DecodeRequest> requests_;
    std::vector<float> logits_, rows_;
};

std::vector<TestSize> test_sizes(const ModelBenchParams& p) {
    std::vector<TestSize> sizes;
    for (int64_t n : p.n_prompt)
        if (n > 0) sizes.push_back({n, 0, 1});
    for (int64_t n : p.n_gen)
        for (int64_t s : p.sequences)
            if (n > 0) sizes.push_back({0, n, s});
    return sizes;
}

void check(const ModelBenchParams& p) {
    if (p.repetitions < 1) throw Error("bench model: at least one repetition");
    for (const auto* list : {&p.n_prompt, &p.n_gen, &p.depth})
        for (int64_t n : *list)
            if (n < 0) throw Error(fmt::format("bench model: negative size {}", n));
    if (test_sizes(p).empty()) throw Error("bench model: no test (every -p and -n is 0)");
    if (p.attention.empty()) throw Error("bench model: no attention to run");
    for (unsigned t : p.threads)
        if (t == 0) throw Error("bench model: thread counts must be at least 1");
    for (int64_t s : p.sequences)
        if (s < 1) throw Error(fmt::format("bench model: {} sequences: at least 1", s));
}

}  // namespace

std::string ModelBenchResult::name() const {
    std::string test = n_prompt > 0 ? fmt::format("pp{}", n_prompt) : fmt::format("tg{}", n_gen);
    if (n_sequences > 1) test += fmt::format(" x{}", n_sequences);
    return n_depth > 0 ? fmt::format("{} @ d{}", test, n_depth) : test;
}

ModelBenchReport run_model_bench(const runtime::Model& model, const std::string& filename, const ModelBenchParams& params,
                                 const ModelBenchProgress& progress) {
    check(params);
    const std::vector<TestSize> sizes = test_sizes(params);
    int64_t longest = 1;
    for (int64_t d : params.depth)
        for (const TestSize& s : sizes) longest = std::max(longest, d + s.n_prompt + s.n_gen);

    ModelBenchReport report;
    report.model_filename = filename;
    report.model_size = model.weight_bytes();
    const info::ModelInfo info = info::describe_model(model.file());
    report.model_n_params = info.parameters;
    report.model_type = model_type(model.file(), info);
    report.isa = kernels::isa_name(kernels::active_isa());
    report.config = params.config;
    report.config.n_ctx = std::max(params.config.n_ctx, longest);

    runtime::Rng rng(42);
    std::vector<int32_t> tokens(static_cast<size_t>(longest));
    for (int32_t& token : tokens) token = static_cast<int32_t>(rng.next() % static_cast<uint64_t>(model.config().n_vocab));
    if (params.bos >= 0) tokens[0] = params.bos;
    std::vector<float> logits(static_cast<size_t>(model.config().n_vocab));
    const std::vector<unsigned> thread_counts =
        params.threads.empty() ? std::vector<unsigned>{params.config.n_threads} : params.threads;
    const auto tell = [&](const std::string& step) {
        if (progress) progress(step);
    };

    for (kernels::AttentionPath attention : params.attention) {
        for (unsigned threads : thread_counts) {
            RunConfig row = report.config;
            row.attention = attention;
            row.n_threads = threads;
            const std::string config =
                fmt::format("{}, {} thread{}", attention_name(attention), threads, threads > 1 ? "s" : "");
            tell(config + ": warm-up");
            Sequences sequences(model, row);
            Transformer& t = sequences.first();
            t.warm_up();
            for (int64_t depth : params.depth) {
                runtime::reset_peak_rss();
                std::optional<Transformer::State> at_depth;
                if (depth > 0) {
                    tell(fmt::format("{}: filling the cache to depth {}", config, depth));
                    t.reset();
                    t.forward(tokens.data(), static_cast<size_t>(depth), logits.data());
                    at_depth = t.save_state();
                }
                const int32_t* next = tokens.data() + depth;
                for (const TestSize& size : sizes) {
                    ModelBenchResult r;
                    r.attention = attention;
                    r.n_threads = threads;
                    r.n_prompt = size.n_prompt;
                    r.n_gen = size.n_gen;
                    r.n_sequences = size.n_sequences;
                    r.n_depth = depth;
                    r.test_time = utc_now();
                    tell(fmt::format("{}, {}: warm-up run", config, r.name()));
                    sequences.restore(at_depth, size);
                    sequences.run(next, size, std::min<int64_t>(size.n_gen, 1));
                    for (int rep = 0; rep < params.repetitions; ++rep) {
                        tell(fmt::format("{}, {}: run {}/{}", config, r.name(), rep + 1, params.repetitions));
                        sequences.restore(at_depth, size);
                        const Clock::time_point start = Clock::now();
                        sequences.run(next, size, size.n_gen);
                        const double ns = std::chrono::duration<double, std::nano>(Clock::now() - start).count();
                        r.samples_ns.push_back(ns);
                        r.samples_ts.push_back(static_cast<double>(size.n_prompt + size.n_gen * size.n_sequences) * 1e9 / ns);
                    }
                    mean_and_stddev(r.samples_ns, r.avg_ns, r.stddev_ns);
                    mean_and_stddev(r.samples_ts, r.avg_ts, r.stddev_ts);
                    r.kv_bytes = static_cast<uint64_t>(size.n_sequences) *
                                 Transformer::kv_bytes_for(model.config(), row, depth + size.n_prompt + size.n_gen);
                    r.peak_rss_mb = static_cast<double>(runtime::peak_rss_bytes()) / kMiB;
                    report.results.push_back(std::move(r));
                }
            }
        }
    }
    return report;
}

report::BenchOutput model_bench_output(const ModelBenchReport& report) {
    using report::Cell;
    const RunConfig& o = report.config;
    const char* kv_type = kv_type_name(o.sparse.kv_dtype);
    report::Table table({{"model_filename", "", true},   {"model_type", "model"}, {"model_size", "size"},
                         {"model_n_params", "params"},   {"attention", "attention"}, {"n_batch", ""},
                         {"n_threads", "threads"},       {"isa", "isa"},          {"type_k", ""},
                         {"type_v", ""},
                         {"kv_type", ""},                {"window", ""},          {"block", ""},
                         {"kv_budget", ""},              {"n_prompt", ""},        {"n_gen", ""},
                         {"n_depth", ""},                {"n_sequences", ""},     {"test", "test"},        {"test_time", ""},
                         {"avg_ns", ""},                 {"stddev_ns", ""},       {"avg_ts", "t/s"},
                         {"stddev_ts", ""},              {"peak_rss_mb", "peak RSS"}, {"kv_bytes", "KV"},
                         {"samples_ns", "", false},      {"samples_ts", "", false}});
    const auto whole = [](double x) { return Cell::unsigned_integer(static_cast<uint64_t>(std::llround(x))); };
    const auto mib = [](double bytes) { return fmt::format("{:.2f} MiB", bytes / kMiB); };
    for (const ModelBenchResult& r : report.results) {
        table.add_row({Cell::text(report.model_filename), Cell::text(report.model_type),
                       Cell::unsigned_integer(report.model_size).with_md(mib(static_cast<double>(report.model_size))),
                       Cell::unsigned_integer(report.model_n_params)
                           .with_md(fmt::format("{:.2f} M", static_cast<double>(report.model_n_params) / 1e6)),
                       Cell::text(attention_name(r.attention)), Cell::integer(o.n_batch),
                       Cell::unsigned_integer(r.n_threads), Cell::text(report.isa), Cell::text(kv_type),
                       Cell::text(kv_type),
                       Cell::text(kv_type),
                       Cell::unsigned_integer(o.sparse.window), Cell::unsigned_integer(o.sparse.block_size),
                       Cell::integer(o.kv_budget), Cell::integer(r.n_prompt), Cell::integer(r.n_gen),
                       Cell::integer(r.n_depth), Cell::integer(r.n_sequences), Cell::text(r.name()), Cell::text(r.test_time),
                       whole(r.avg_ns), whole(r.stddev_ns),
                       Cell::number(r.avg_ts, 6, 2).with_md(fmt::format("{:.2f} ± {:.2f}", r.avg_ts, r.stddev_ts)),
                       Cell::number(r.stddev_ts, 6, 2), Cell::number(r.peak_rss_mb, 1, 1).with_md(fmt::format("{:.1f} MiB", r.peak_rss_mb)),
                       Cell::unsigned_integer(r.kv_bytes).with_md(mib(static_cast<double>(r.kv_bytes))),
                       Cell::numbers(r.samples_ns), Cell::numbers(r.samples_ts)});
    }
    return {table};
}

report::SvgPlot plot_model_bench(const ModelBenchReport& report) {
    report::SvgPlot plot;
    const RunConfig& c = report.config;
    plot.title = fmt::format("{}: time per token ({} KV{})", report.model_type, kv_type_name(c.sparse.kv_dtype),
                             c.kv_budget > 0 ? fmt::format(", budget {}", c.kv_budget) : "");
    plot.x_label = "sequence length at the end of the test (depth + tokens)";
    plot.y_label = "ms per token";
    plot.log_y = true;
    bool several_thread_counts = false;
    for (const ModelBenchResult& r : report.results) several_thread_counts |= r.n_threads != report.results.front().n_threads;
    for (const ModelBenchResult& r : report.results) {
        const int64_t tokens = r.n_prompt + r.n_gen;
        std::string name = fmt::format("{} {}", attention_name(r.attention),
                                       r.n_prompt > 0 ? fmt::format("pp{}", r.n_prompt) : fmt::format("tg{}", r.n_gen));
        if (several_thread_counts) name += fmt::format(", {} threads", r.n_threads);
        auto series = std::find_if(plot.series.begin(), plot.series.end(), [&](const report::PlotSeries& s) { return s.name == name; });
        if (series == plot.series.end()) series = plot.series.insert(plot.series.end(), report::PlotSeries{name, {}});
        series->points.emplace_back(static_cast<double>(r.n_depth + tokens), r.avg_ns / 1e6 / static_cast<double>(tokens));
    }
    return plot;
}

}  // namespace bench
