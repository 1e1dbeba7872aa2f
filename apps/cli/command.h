// Subcommands register their options on the CLI and the action to run once parsing succeeded.
#pragma once

#include <functional>
#include <vector>

#include <CLI/CLI.hpp>

namespace cli {

struct Command {
    CLI::App* app;              // the subcommand
    std::function<int()> run;   // returns the exit code; throws std::exception on failure
};
using CommandList = std::vector<Command>;

}  // namespace cli

// Each command's registration, in the namespace of its library.
namespace info { void add_command(CLI::App& parent, cli::CommandList& commands); }
namespace quantize { void add_command(CLI::App& parent, cli::CommandList& commands); }
namespace run { void add_command(CLI::App& parent, cli::CommandList& commands); }
namespace summarise { void add_command(CLI::App& parent, cli::CommandList& commands); }
namespace serve { void add_command(CLI::App& parent, cli::CommandList& commands); }
namespace make_model { void add_command(CLI::App& parent, cli::CommandList& commands); }
namespace tokenize { void add_commands(CLI::App& parent, cli::CommandList& commands); }  // tokenize, detokenize
namespace perplexity { void add_command(CLI::App& parent, cli::CommandList& commands); }
namespace bench {
void add_matvec_command(CLI::App& bench, cli::CommandList& commands);
void add_attention_command(CLI::App& bench, cli::CommandList& commands);
void add_dequant_command(CLI::App& bench, cli::CommandList& commands);
void add_model_command(CLI::App& bench, cli::CommandList& commands);
void add_tokenizer_command(CLI::App& bench, cli::CommandList& commands);
}  // namespace bench
