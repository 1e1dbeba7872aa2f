// sparse-llm: the command-line entry point. Parses, dispatches, and turns failures into one line and an exit code.
#include <cstdio>
#include <exception>

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include "apps/command.h"
#include "apps/printable.h"

namespace {

constexpr int kExitFailure = 1;
constexpr int kExitUsage = 2;

void log_to_stderr() {
    auto logger = spdlog::stderr_color_mt("sparse-llm");
    logger->set_pattern("%^%l%$: %v");
    spdlog::set_default_logger(logger);
}

}  // namespace

int main(int argc, char** argv) {
    log_to_stderr();
    CLI::App app{"sparse-llm: small language models on edge CPUs, with sparse attention"};
    app.require_subcommand(1);
    CommandList commands;
    add_info_command(app, commands);
    add_quantize_command(app, commands);
    add_run_command(app, commands);
    add_make_model_command(app, commands);
    add_tokenize_commands(app, commands);
    add_perplexity_command(app, commands);

    CLI::App* bench = app.add_subcommand("bench", "Benchmarks: dequantize, attention kernels, whole models");
    bench->require_subcommand(1);
    add_bench_matvec_command(*bench, commands);
    add_bench_attention_command(*bench, commands);
    add_bench_dequant_command(*bench, commands);
    add_bench_model_command(*bench, commands);
    add_bench_tokenizer_command(*bench, commands);

    try {
        app.parse(argc, argv);
    } catch (const CLI::CallForHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForAllHelp& e) {
        return app.exit(e);
    } catch (const CLI::ParseError& e) {
        app.exit(e);
        return kExitUsage;
    }

    for (const Command& command : commands) {
        if (!command.app->parsed()) continue;
        try {
            return command.run();
        } catch (const std::exception& e) {
            std::fflush(stdout);
            std::fprintf(stderr, "error: %s\n", printable(e.what()).c_str());
            return kExitFailure;
        }
    }
    return kExitUsage;
}
