// `sparse-llm bench attention`: the attention kernels over a sweep of sequence lengths (apps/bench/bench_attention.h).
#include <cstdio>
#include <memory>

#include <fmt/format.h>

#include "apps/bench/bench_attention.h"
#include "apps/bench/bench_flags.h"
#include "apps/cli/command.h"
#include "apps/cli/flag_checks.h"
#include "apps/cli/runtime_flags.h"
#include "apps/report/text_file.h"
#include "kernels/common/isa.h"

namespace bench {
namespace {

struct BenchAttentionOptions {
    AttentionBenchOptions bench;
    std::string output = "md";
    std::string plot;  // SVG file, when asked
};

int run_bench_attention(const BenchAttentionOptions& options) {
    if (!options.plot.empty()) report::check_can_create(options.plot);
    // The header comes with the first row, after the bench has checked its options: a bad one is the only line.
    bool first = options.output == "md";
    const bool table = first;
    const auto rows = run_attention_bench(options.bench, [&](const AttentionBenchRow& row) {
        if (first)
            fmt::print(stderr, "attention kernels: {} SIMD, {} thread(s), {} clock, best of {} runs\n",
                       kernels::isa_name(kernels::active_isa()), options.bench.threads, options.bench.clock,
                       options.bench.runs);
        first = false;
        if (table) fmt::print(stderr, "  {} seq {}: {:.2f} µs/token\n", row.backend, row.seq, row.per_token_us);
    });
    fmt::print("{}", attention_bench_output(rows).format(options.output));
    if (!options.plot.empty()) report::write_text_file(options.plot, report::render_svg(plot_attention_bench(rows)));
    return 0;
}

}  // namespace

void add_attention_command(CLI::App& bench, cli::CommandList& commands) {
    auto options = std::make_shared<BenchAttentionOptions>();
    AttentionBenchOptions& b = options->bench;
    CLI::App* sub = bench.add_subcommand("attention", "Sparse vs dense attention kernels over sequence lengths");
    const CLI::Validator tokens = cli::flags::integer(1, cli::flags::kMaxTokens);
    sub->add_option("--seqs", b.seqs, "Sequence lengths, comma-separated")->delimiter(',')->capture_default_str()->check(tokens);
    sub->add_option("--backends", b.backends,
                    fmt::format("Paths to time, comma-separated: {}", fmt::join(attention_bench_backends(), ",")))
        ->delimiter(',')
        ->capture_default_str();
    const CLI::Validator heads = cli::flags::integer(1, 1024);
    sub->add_option("--heads", b.heads, "Query heads")->capture_default_str()->check(heads);
    sub->add_option("--kv-heads", b.kv_heads, "KV heads of the gqa and decode backends")->capture_default_str()->check(heads);
    sub->add_option("--dim", b.dim, "Head dimension")->capture_default_str()->check(cli::flags::integer(1, 4096));
    sub->add_option("--window", b.window, "Local window")->capture_default_str()->check(tokens);
    sub->add_option("--block", b.block, "Landmark block size")->capture_default_str()->check(tokens);
    sub->add_option("--tile", b.tile, "Flash tile (0 = window)")->capture_default_str()
        ->check(cli::flags::integer(0, cli::flags::kMaxTokens));
    cli::add_threads_flag(*sub, b.threads, "Threads across heads")->capture_default_str();
    sub->add_option("--dense-max", b.dense_max, "Longest sequence for the dense forward")->capture_default_str()
        ->check(cli::flags::integer(0, cli::flags::kMaxTokens));
    sub->add_option("--runs", b.runs, "Timed runs per measurement (best is reported)")->capture_default_str()
        ->check(cli::flags::integer(1, cli::flags::kMaxCount));
    sub->add_option("--clock", b.clock, "wall, or cpu (thread CPU time, one thread) on a loaded machine")
        ->check(CLI::IsMember({"wall", "cpu"}))
        ->capture_default_str();
    add_output_flag(*sub, options->output);
    sub->add_option("--plot", options->plot, "Also draw per-token cost against length, one line per backend (SVG file)")
        ->check(cli::flags::not_empty());
    commands.push_back({sub, [options] { return run_bench_attention(*options); }});
}

}  // namespace bench
