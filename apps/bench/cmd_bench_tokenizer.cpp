// `sparse-llm bench tokenizer`: encode / decode throughput of a model's tokenizer.
#include <fmt/format.h>

#include "apps/bench/bench_tokenizer.h"
#include "apps/cli/command.h"
#include "apps/cli/flag_checks.h"

namespace bench {

void add_tokenizer_command(CLI::App& bench, cli::CommandList& commands) {
    auto options = std::make_shared<TokenizerBenchOptions>();
    auto mb = std::make_shared<double>(4.0);
    CLI::App* sub = bench.add_subcommand("tokenizer", "Tokenizer encode MB/s and decode speed on mixed text");
    sub->add_option("model", options->model, "GGUF file")->required();
    sub->add_option("--mb", *mb, "size of the mixed text in MB")->capture_default_str()->check(flags::real(0.01, 1024));
    sub->add_option("-r,--repetitions", options->repetitions, "timed runs per figure (median)")->capture_default_str()
        ->check(flags::integer(1, flags::kMaxCount));
    sub->add_option("--seed", options->seed, "seed of the text")->capture_default_str()->check(flags::unsigned64());
    commands.push_back({sub, [options, mb] {
                            options->text_bytes = static_cast<size_t>(*mb * (1 << 20));
                            fmt::print("{}", tokenizer_report_markdown(run_tokenizer_bench(*options)));
                            return 0;
                        }});
}

}  // namespace bench
