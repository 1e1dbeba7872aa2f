// sparse-llm: the command-line entry point. Parses, dispatches, and turns failures into one line and an exit code.
#include <cerrno>
#include <cstdio>
#include <exception>
#include <new>
#include <string>
#include <system_error>

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include "apps/cli/command.h"
#include "apps/commands/commands.h"
#include "apps/cli/printable.h"
#include "apps/cli/standard_output.h"
#include "kernels/common/isa.h"

namespace {

constexpr int kExitFailure = 1;
constexpr int kExitUsage = 2;

void log_to_stderr() {
    auto logger = spdlog::stderr_color_mt("sparse-llm");
    logger->set_pattern("%^%l%$: %v");
    spdlog::set_default_logger(logger);
}

int fail(const std::string& message) {
    std::fflush(stdout);
    std::fprintf(stderr, "error: %s\n", cli::printable(message).c_str());
    return kExitFailure;
}

// CLI11 reports a missing subcommand before an unexpected word: `sparse-llm translate` would only say "A
// subcommand is required". Name the word instead; 0 when the error is something else.
int unknown_command(const CLI::App& parent) {
    if (!parent.get_subcommands().empty()) return 0;
    const std::vector<std::string> words = parent.remaining();
    if (words.empty() || words.front().rfind('-', 0) == 0) return 0;
    const std::string command = parent.get_parent() ? parent.get_name() + " " : "";
    std::fprintf(stderr, "error: unknown command '%s%s'\nRun with --help for more information.\n", command.c_str(),
                 cli::printable(words.front()).c_str());
    return kExitUsage;
}

// The command's exit code once everything it printed reached stdout; a failure is one error line.
int run_command(const cli::Command& command) {
    try {
        const int code = command.run();
        cli::flush_standard_output();
        return code;
    } catch (const std::bad_alloc&) {
        return fail("out of memory");
    } catch (const std::system_error& e) {  // fmt::print throws this when a write fails
        if (std::ferror(stdout) && e.code().value() == EPIPE) cli::end_quietly_at_broken_pipe();
        return fail(std::ferror(stdout) ? cli::standard_output_error(e.code().value()) : e.what());
    } catch (const std::exception& e) {
        return fail(e.what());
    }
}

}  // namespace

int main(int argc, char** argv) {
    log_to_stderr();
    try {
        kernels::isa_choice();  // a wrong SPARSE_LLM_ISA stops the program here, before anything runs
    } catch (const kernels::IsaError& e) {
        return fail(e.what());
    }
    CLI::App app{"sparse-llm: small language models on edge CPUs, with sparse attention"};
    const cli::CommandList commands = commands::add_all(app);
    const CLI::App* bench = app.get_subcommand("bench");

    try {
        app.parse(argc, argv);
    } catch (const CLI::CallForHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForAllHelp& e) {
        return app.exit(e);
    } catch (const CLI::RequiredError& e) {
        if (const int code = unknown_command(bench->parsed() ? *bench : app)) return code;
        app.exit(e);
        return kExitUsage;
    } catch (const CLI::ParseError& e) {
        app.exit(e);
        return kExitUsage;
    }

    for (const cli::Command& command : commands)
        if (command.app->parsed()) return run_command(command);
    return kExitUsage;
}
