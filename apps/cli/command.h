// Subcommands register their options on the CLI and the action to run once parsing succeeded.
#pragma once

#include <functional>
#include <vector>

#include <CLI/CLI.hpp>

struct Command {
    CLI::App* app;              // the subcommand
    std::function<int()> run;   // returns the exit code; throws std::exception on failure
};
using CommandList = std::vector<Command>;

void add_info_command(CLI::App& parent, CommandList& commands);
void add_tokenize_commands(CLI::App& parent, CommandList& commands);  // tokenize, detokenize
void add_bench_matvec_command(CLI::App& bench, CommandList& commands);
void add_bench_dequant_command(CLI::App& bench, CommandList& commands);
void add_quantize_command(CLI::App& parent, CommandList& commands);
void add_bench_attention_command(CLI::App& bench, CommandList& commands);
void add_run_command(CLI::App& parent, CommandList& commands);
void add_make_model_command(CLI::App& parent, CommandList& commands);
void add_bench_model_command(CLI::App& bench, CommandList& commands);
void add_bench_tokenizer_command(CLI::App& bench, CommandList& commands);
void add_perplexity_command(CLI::App& parent, CommandList& commands);
