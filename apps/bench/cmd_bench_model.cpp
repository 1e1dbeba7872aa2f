// `sparse-llm bench model MODEL`: whole-model prompt and generation speed, llama-bench style, across depths,
// attention backends and thread counts (apps/bench/bench_model.h). Results on stdout, a progress line on stderr
// once the run takes longer than a second.
#include <chrono>
#include <cstdio>
#include <memory>

#include <unistd.h>

#include <fmt/format.h>

#include "apps/bench/bench_flags.h"
#include "apps/bench/bench_model.h"
#include "apps/cli/command.h"
#include "apps/cli/flag_checks.h"
#include "apps/cli/runtime_flags.h"
#include "apps/info/model_info.h"
#include "apps/report/text_file.h"

namespace bench {
namespace {

using Clock = std::chrono::steady_clock;

struct BenchModelFlags {
    std::string model, output = "md", plot;
    std::vector<int64_t> n_prompt{512}, n_gen{128}, depth{0}, sequences{1};
    std::vector<std::string> attention{"sparse"};
    std::vector<unsigned> threads;
    int repetitions = 5;
    cli::RuntimeFlags runtime;  // the batch and cache flags; -t and --attention are the lists above
};

// What runs, on stderr once the run has taken a second: one line redrawn in place on a terminal, else a line
// every few seconds.
class ProgressLine {
public:
    void update(const std::string& step) {
        const Clock::time_point now = Clock::now();
        if (now - start_ < std::chrono::seconds(1)) return;
        if (terminal_) {
            fmt::print(stderr, "\rbench model: {:<70}", step);
        } else if (now - last_ >= std::chrono::seconds(5)) {
            fmt::print(stderr, "bench model: {}\n", step);
            last_ = now;
        }
        std::fflush(stderr);
        shown_ = true;
    }
    void finish() {
        if (shown_ && terminal_) fmt::print(stderr, "\rbench model: done{:<70}\n", "");
    }

private:
    Clock::time_point start_ = Clock::now(), last_ = start_ - std::chrono::hours(1);
    bool terminal_ = isatty(fileno(stderr)) != 0;
    bool shown_ = false;
};

int run_bench_model(const BenchModelFlags& f) {
    if (!f.plot.empty()) report::check_can_create(f.plot);
    const runtime::Model model = runtime::Model::open(f.model);
    ModelBenchParams params;
    params.n_prompt = f.n_prompt;
    params.n_gen = f.n_gen;
    params.depth = f.depth;
    params.sequences = f.sequences;
    params.repetitions = f.repetitions;
    params.threads = f.threads;
    params.attention.clear();
    for (const std::string& name : f.attention) params.attention.push_back(runtime::parse_attention(name));
    params.config = cli::resolved_run_config(f.runtime, model);
    const info::TokenizerSummary tok = info::describe_model(model.file()).tokenizer;
    if (tok.add_bos.value_or(false) && tok.bos) params.bos = static_cast<int32_t>(*tok.bos);

    ProgressLine progress;
    const ModelBenchReport results =
        run_model_bench(model, f.model, params, [&](const std::string& step) { progress.update(step); });
    progress.finish();
    fmt::print("{}", model_bench_output(results).format(f.output));
    if (!f.plot.empty()) report::write_text_file(f.plot, report::render_svg(plot_model_bench(results)));
    return 0;
}

}  // namespace

void add_model_command(CLI::App& bench, cli::CommandList& commands) {
    auto f = std::make_shared<BenchModelFlags>();
    CLI::App* sub = bench.add_subcommand("model", "Prompt (pp) and generation (tg) tokens/s of a model, llama-bench style");
    sub->add_option("model", f->model, "GGUF model")->required();
    const CLI::Validator tokens = cli::flags::integer(0, cli::flags::kMaxTokens);
    sub->add_option("-p,--n-prompt", f->n_prompt, "Prompt lengths, comma-separated")->delimiter(',')->check(tokens)->capture_default_str();
    sub->add_option("-n,--n-gen", f->n_gen, "Generated tokens, comma-separated")->delimiter(',')->check(tokens)->capture_default_str();
    sub->add_option("-d,--n-depth", f->depth, "Tokens already in the cache, comma-separated")->delimiter(',')->check(tokens)->capture_default_str();
    sub->add_option("--sequences", f->sequences, "tg: sequences decoding together in batched passes, comma-separated")
        ->delimiter(',')->check(cli::flags::integer(1, 256))->capture_default_str();
    cli::add_threads_flag(*sub, f->threads, "Thread counts, comma-separated; default: physical cores")->delimiter(',');
    sub->add_option("--attention", f->attention, "Attention backends, comma-separated: dense, sparse, gated")
        ->delimiter(',')
        ->check(CLI::IsMember({"dense", "sparse", "gated"}))
        ->capture_default_str();
    cli::add_batch_flag(*sub, f->runtime.config.n_batch);
    sub->add_option("-r,--repetitions", f->repetitions, "Timed runs per test")->capture_default_str()
        ->check(cli::flags::integer(1, cli::flags::kMaxCount));
    add_output_flag(*sub, f->output);
    sub->add_option("--plot", f->plot, "Also draw ms per token against sequence length (SVG file)")
        ->check(cli::flags::not_empty());
    cli::add_cache_flags(*sub, f->runtime);
    commands.push_back({sub, [f] { return run_bench_model(*f); }});
}

}  // namespace bench
