// `sparse-llm perplexity model.gguf -f text.txt`: llama-perplexity's measurement (apps/perplexity/perplexity.h) with the
// attention knobs of `run`; `--compare dense` also runs a dense baseline and reports how far the chosen
// attention moves the model's distributions. Results on stdout, a progress bar on stderr.
#include <chrono>
#include <cstdio>
#include <memory>

#include <fmt/format.h>

#include "apps/cli/command.h"
#include "apps/cli/flag_checks.h"
#include "apps/cli/runtime_flags.h"
#include "apps/cli/standard_output.h"
#include "apps/cli/text_input.h"
#include "apps/perplexity/perplexity.h"
#include "apps/report/json_writer.h"
#include "src/runtime_error.h"
#include "tokenizer/tokenizer.h"

namespace perplexity {
namespace {

using Clock = std::chrono::steady_clock;

struct PerplexityFlags {
    std::string model, text_file, compare, output = "text";
    int64_t chunks = -1;
    cli::RuntimeFlags runtime;  // -c, the window, is its context
};

// "[=======>      ] 12/40 windows, 0.35 s each, 10 s left", redrawn in place.
void print_progress(const PerplexityResult& r, double seconds) {
    constexpr size_t kWidth = 30;
    const size_t done = r.windows * kWidth / r.n_windows;
    const double each = seconds / static_cast<double>(r.windows);
    fmt::print(stderr, "\r[{:=<{}}{:<{}}] {}/{} windows, {:.2f} s each, {:.0f} s left", "", done, done < kWidth ? ">" : "",
               kWidth - done, r.windows, r.n_windows, each, each * static_cast<double>(r.n_windows - r.windows));
    if (r.windows == r.n_windows) fmt::print(stderr, "\n");
    std::fflush(stderr);
}

std::string config_summary(const runtime::RunConfig& o) {
    std::string s = runtime::attention_name(o.attention);
    if (o.attention != kernels::AttentionPath::Dense)
        s += fmt::format(" (window {}, block {})", o.sparse.window, o.sparse.block_size);
    if (o.kv_budget > 0) s += fmt::format(", KV budget {}", o.kv_budget);
    return s;
}

void print_text(const PerplexityResult& r, const runtime::RunConfig& test, const runtime::RunConfig* base) {
    fmt::print("PPL = {:.4f} +/- {:.5f}\n", r.nll.perplexity(), r.nll.perplexity_uncertainty());
    if (!r.comparison) return;
    const DistributionComparison& c = *r.comparison;
    const char* test_name = runtime::attention_name(test.attention);
    const char* base_name = runtime::attention_name(base->attention);
    fmt::print("{} PPL = {:.4f} +/- {:.5f}\n", base_name, c.base().perplexity(), c.base().perplexity_uncertainty());
    fmt::print("PPL({}) / PPL({}) = {:.5f} +/- {:.5f} ({:+.3f} %)\n", test_name, base_name, c.ppl_ratio(),
               c.ppl_ratio_uncertainty(), 100.0 * (c.ppl_ratio() - 1.0));
    fmt::print("mean KL({} || {}) = {:.6f} +/- {:.6f} nats\n", base_name, test_name, c.mean_kld(), c.kld_uncertainty());
    fmt::print("same top-1 = {:.3f} +/- {:.3f} %\n", 100.0 * c.same_top_share(), 100.0 * c.same_top_uncertainty());
}

void print_json(const PerplexityResult& r, const std::vector<double>& running, const PerplexityFlags& f,
                size_t n_tokens, const runtime::RunConfig& test, const runtime::RunConfig* base) {
    report::JsonWriter json;
    json.begin_object().key("model_filename").value(f.model).key("n_tokens").value(n_tokens);
    json.key("n_ctx").value(test.n_ctx).key("windows").value(r.windows).key("scored").value(r.nll.count());
    json.key("attention").value(runtime::attention_name(test.attention));
    json.key("window").value(test.sparse.window).key("block").value(test.sparse.block_size);
    json.key("kv_budget").value(test.kv_budget);
    json.key("ppl").value(r.nll.perplexity()).key("ppl_uncertainty").value(r.nll.perplexity_uncertainty());
    json.key("running_ppl").begin_array();
    for (double ppl : running) json.value(ppl);
    json.end_array();
    if (r.comparison) {
        const DistributionComparison& c = *r.comparison;
        json.key("compare").begin_object().key("base_attention").value(runtime::attention_name(base->attention));
        json.key("base_ppl").value(c.base().perplexity()).key("base_ppl_uncertainty").value(c.base().perplexity_uncertainty());
        json.key("ppl_ratio").value(c.ppl_ratio()).key("ppl_ratio_uncertainty").value(c.ppl_ratio_uncertainty());
        json.key("kld_mean").value(c.mean_kld()).key("kld_uncertainty").value(c.kld_uncertainty());
        json.key("same_top").value(c.same_top_share()).key("same_top_uncertainty").value(c.same_top_uncertainty());
        json.end_object();
    }
    json.end_object();
    fmt::print("{}\n", json.str());
}

int run_perplexity(const PerplexityFlags& f) {
    const runtime::Model model = runtime::Model::open(f.model);
    const tokenizer::Tokenizer tok = tokenizer::Tokenizer::from_gguf(model.file());
    const runtime::RunConfig config = cli::resolved_run_config(f.runtime, model);
    runtime::Transformer test(model, config);
    // The base: the same run with the compared attention over the whole window, nothing evicted.
    std::unique_ptr<runtime::Transformer> base;
    if (!f.compare.empty()) {
        runtime::RunConfig base_config = config;
        base_config.attention = runtime::parse_attention(f.compare);
        base_config.kv_budget = 0;
        base = std::make_unique<runtime::Transformer>(model, base_config);
    }

    const std::vector<int32_t> tokens = tok.encode(cli::read_text_file(f.text_file, "text file"), /*add_special=*/true);
    PerplexityOptions options;
    options.n_ctx = config.n_ctx;
    options.max_windows = f.chunks;
    options.bos = tok.add_bos() ? tok.bos() : -1;
    fmt::print(stderr, "perplexity: {} tokens, {} windows of {} scoring the last {} tokens each, {} threads, {}{}\n",
               tokens.size(), perplexity_windows(tokens.size(), options), config.n_ctx,
               scored_per_window(config.n_ctx), config.n_threads,
               config_summary(config), base ? fmt::format("; base {}", config_summary(base->config())) : "");

    const bool text = f.output == "text";
    std::vector<double> running;
    const Clock::time_point start = Clock::now();
    const auto result = evaluate_perplexity(tokens, options, test, base.get(), [&](const PerplexityResult& r) {
        running.push_back(r.nll.perplexity());
        if (text) {
            fmt::print("[{}]{:.4f},", r.windows, r.nll.perplexity());
            if (r.windows == r.n_windows) fmt::print("\n");
            cli::flush_standard_output();
        }
        print_progress(r, std::chrono::duration<double>(Clock::now() - start).count());
    });
    if (text) print_text(result, config, base ? &base->config() : nullptr);
    else print_json(result, running, f, tokens.size(), config, base ? &base->config() : nullptr);
    return 0;
}

}  // namespace

void add_command(CLI::App& parent, cli::CommandList& commands) {
    auto f = std::make_shared<PerplexityFlags>();
    CLI::App* sub = parent.add_subcommand("perplexity", "Perplexity of a model over a text (llama-perplexity's method)");
    f->runtime.config.n_ctx = 512;
    sub->add_option("model", f->model, "GGUF model file")->required();
    sub->add_option("-f,--file", f->text_file, "Text to score")->required();
    sub->add_option("-c,--ctx-size", f->runtime.config.n_ctx, "Tokens per window; the second half of each is scored")
        ->capture_default_str()
        ->check(cli::flags::integer(3, cli::flags::kMaxTokens));
    sub->add_option("--chunks", f->chunks, "Windows to evaluate; -1: all")->capture_default_str()
        ->check(cli::flags::all_or_positive(cli::flags::kMaxTokens));
    sub->add_option("--compare", f->compare, "Also run this attention over the whole window as the base, and compare")
        ->check(CLI::IsMember({"dense", "sparse", "gated"}));
    sub->add_option("-o,--output", f->output, "Output format")->check(CLI::IsMember({"text", "json"}))->capture_default_str();
    cli::add_runtime_flags(*sub, f->runtime);
    commands.push_back({sub, [f] { return run_perplexity(*f); }});
}

}  // namespace perplexity
