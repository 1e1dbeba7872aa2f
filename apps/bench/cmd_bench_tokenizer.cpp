// `sparse-llm bench tokenizer`: encode / decode throughput of a model's tokenizer.
#include <fmt/format.h>

#include "apps/bench/bench_flags.h"
#include "apps/bench/bench_tokenizer.h"
#include "apps/cli/command.h"
#include "apps/cli/flag_checks.h"

namespace bench {
namespace {

struct BenchTokenizerOptions {
    TokenizerBenchOptions bench;
    double mb = 4.0;
    std::string output = "md";
};

int run_bench_tokenizer(BenchTokenizerOptions options) {
    options.bench.text_bytes = static_cast<size_t>(options.mb * (1 << 20));
    fmt::print("{}", tokenizer_bench_output(run_tokenizer_bench(options.bench)).format(options.output));
    return 0;
}

}  // namespace

void add_tokenizer_command(CLI::App& bench, cli::CommandList& commands) {
    auto options = std::make_shared<BenchTokenizerOptions>();
    TokenizerBenchOptions& b = options->bench;
    CLI::App* sub = bench.add_subcommand("tokenizer", "Tokenizer encode MB/s and decode speed on mixed text");
    sub->add_option("model", b.model, "GGUF file")->required();
    sub->add_option("--mb", options->mb, "size of the mixed text in MB")->capture_default_str()
        ->check(cli::flags::real(0.01, 1024));
    sub->add_option("-r,--repetitions", b.repetitions, "timed runs per figure (median)")->capture_default_str()
        ->check(cli::flags::integer(1, cli::flags::kMaxCount));
    sub->add_option("--seed", b.seed, "seed of the text")->capture_default_str()->check(cli::flags::unsigned64());
    add_output_flag(*sub, options->output);
    commands.push_back({sub, [options] { return run_bench_tokenizer(*options); }});
}

}  // namespace bench
