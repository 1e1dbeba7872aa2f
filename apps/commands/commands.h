// Every command of the program, registered on the top-level CLI::App: what main() parses and runs, and what the
// CLI fuzz target (tests/fuzz) parses.
#pragma once

#include <CLI/CLI.hpp>

#include "apps/cli/command.h"

namespace commands {

// Registers every command (and the `bench` group, which requires one of its own) on `app`. The list owns the
// options the flags write into: keep it as long as `app` parses or runs.
cli::CommandList add_all(CLI::App& app);

}  // namespace commands
