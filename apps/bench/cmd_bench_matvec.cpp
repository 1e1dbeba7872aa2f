// `sparse-llm bench matvec`: quantized matvec / matmul speed per weight type at SmolLM2-135M's shapes.
#include <fmt/format.h>

#include <algorithm>

#include "apps/bench/bench_flags.h"
#include "apps/bench/bench_matvec.h"
#include "apps/cli/command.h"
#include "apps/cli/flag_checks.h"
#include "apps/cli/runtime_flags.h"

namespace bench {
namespace {

struct BenchMatvecOptions {
    std::vector<std::string> types{"f16", "q8_0", "q4_0", "q5_0", "q4_K", "q6_K"};
    std::vector<unsigned> threads{1, 2};
    std::vector<int64_t> batch_sizes{32, 128, 512};
    int repetitions = 5;
    size_t cold_mb = 256;
    std::string output = "md";
    std::string model;
};

int run_bench_matvec(const BenchMatvecOptions& options) {
    if (!options.model.empty()) {
        const int64_t batch = *std::max_element(options.batch_sizes.begin(), options.batch_sizes.end());
        const ModelWeightsBenchReport results =
            run_model_weights_bench(options.model, options.threads, batch, options.repetitions);
        fmt::print("{}", model_weights_bench_output(results).format(options.output));
        return 0;
    }
    MatvecBenchOptions bench;
    bench.types = types_from_names(options.types, "matvec");
    bench.threads = options.threads;
    bench.batch_sizes = options.batch_sizes;
    bench.repetitions = options.repetitions;
    bench.cold_bytes = options.cold_mb << 20;
    fmt::print("{}", matvec_bench_output(run_matvec_bench(bench)).format(options.output));
    return 0;
}

}  // namespace

void add_matvec_command(CLI::App& bench, cli::CommandList& commands) {
    auto options = std::make_shared<BenchMatvecOptions>();
    CLI::App* sub = bench.add_subcommand("matvec", "Quantized matvec (decode) and matmul (prefill) speed per type");
    CLI::Option* types = sub->add_option("--types", options->types, "weight types (f32 f16 bf16 q4_0 q4_1 q5_0 q5_1 q8_0 q2_K..q6_K)")
        ->delimiter(',')
        ->capture_default_str();
    cli::add_threads_flag(*sub, options->threads, "thread counts")->delimiter(',')->capture_default_str();
    sub->add_option("-n,--tokens", options->batch_sizes, "matmul batch sizes (tokens)")->delimiter(',')
        ->capture_default_str()->check(cli::flags::integer(1, cli::flags::kMaxTokens));
    sub->add_option("-r,--repetitions", options->repetitions, "timed runs per figure (median)")->capture_default_str()
        ->check(cli::flags::integer(1, cli::flags::kMaxCount));
    CLI::Option* cold = sub->add_option("--cold-mb", options->cold_mb, "MB the weights cycle through, so they come from DRAM")
        ->capture_default_str()->check(cli::flags::integer(1, 1 << 16));
    sub->add_option("-m,--model", options->model,
                    "instead of the SmolLM2 shapes: every weight matrix of this GGUF once per token (decode bound), "
                    "and once per batch of the largest -n (prefill)")
        ->excludes(types)
        ->excludes(cold);
    add_output_flag(*sub, options->output);
    commands.push_back({sub, [options] { return run_bench_matvec(*options); }});
}

}  // namespace bench
