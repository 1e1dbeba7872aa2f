// `sparse-llm bench dequant`: dequantize throughput per quant format.
#include <fmt/format.h>

#include "apps/bench/bench_dequant.h"
#include "apps/bench/bench_flags.h"
#include "apps/cli/command.h"
#include "apps/cli/flag_checks.h"
#include "apps/cli/runtime_flags.h"

namespace bench {
namespace {

struct BenchDequantOptions {
    std::vector<std::string> types;
    std::vector<unsigned> threads{1};
    size_t megabytes = 64;
    int repetitions = 5;
    std::string output = "md";
};

int run_bench_dequant(const BenchDequantOptions& options) {
    DequantBenchOptions bench;
    bench.types = types_from_names(options.types, "dequant");
    bench.threads = options.threads;
    bench.megabytes = options.megabytes;
    bench.repetitions = options.repetitions;
    fmt::print("{}", dequant_bench_output(run_dequant_bench(bench)).format(options.output));
    return 0;
}

}  // namespace

void add_dequant_command(CLI::App& bench, cli::CommandList& commands) {
    auto options = std::make_shared<BenchDequantOptions>();
    CLI::App* sub = bench.add_subcommand("dequant", "Dequantize throughput per quant format (GB/s)");
    sub->add_option("--types", options->types, "types (default: all of f32 f16 bf16 q4_0 .. q6_K q8_K)")
        ->delimiter(',');
    cli::add_threads_flag(*sub, options->threads, "thread counts")->delimiter(',')->capture_default_str();
    sub->add_option("--mb", options->megabytes, "MB of float32 output per pass")->capture_default_str()
        ->check(cli::flags::integer(1, 1 << 14));
    sub->add_option("-r,--repetitions", options->repetitions, "timed passes per figure (median)")
        ->capture_default_str()->check(cli::flags::integer(1, cli::flags::kMaxCount));
    add_output_flag(*sub, options->output);
    commands.push_back({sub, [options] { return run_bench_dequant(*options); }});
}

}  // namespace bench
