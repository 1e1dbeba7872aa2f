#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "apps/commands/commands.h"
#include "fuzz/targets/targets.h"

namespace fuzz {

// NUL-separated arguments after the program's name, parsed by a fresh CLI with every command; nothing runs.
void run_cli_flags(const uint8_t* data, size_t size) {
    constexpr size_t kMaxArguments = 64;
    std::vector<std::string> arguments{"sparse-llm", ""};
    for (size_t i = 0; i < size && arguments.size() <= kMaxArguments; ++i) {
        if (data[i] == 0) arguments.emplace_back();
        else arguments.back().push_back(static_cast<char>(data[i]));
    }
    std::vector<char*> argv;
    for (std::string& a : arguments) argv.push_back(a.data());
    CLI::App app;
    const cli::CommandList registered = commands::add_all(app);  // owns the options the flags write into
    try {
        app.parse(static_cast<int>(argv.size()), argv.data());
    } catch (const CLI::Error&) {  // usage errors, --help
    } catch (const std::runtime_error&) {  // a flag's own check
    }
}

}  // namespace fuzz
