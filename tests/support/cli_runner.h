// Runs the sparse-llm executable as a user would and captures what it prints.
#pragma once

#include <string>
#include <vector>

namespace test {

struct CliResult {
    int exit_code = -1;
    std::string out;  // stdout
    std::string err;  // stderr
};

// Runs SPARSE_LLM_BIN with the arguments (no shell); `input` is fed to its stdin.
CliResult run_cli(const std::vector<std::string>& args, const std::string& input = "");

// The same with stdout going to the file or device at `stdout_path` (e.g. /dev/full); `out` stays empty.
CliResult run_cli_writing_to(const std::vector<std::string>& args, const std::string& stdout_path);

// The same with "NAME=value" settings added to the environment it inherits.
CliResult run_cli_with_env(const std::vector<std::string>& env, const std::vector<std::string>& args);

// Another program (found on PATH), the same way: curl, node.
CliResult run_program(const std::string& program, const std::vector<std::string>& args);

// Runs the CLI and checks it failed the way a user should see it: exit code 1, nothing on stdout, and one
// line "error: ..." on stderr that contains `mentions`.
void check_one_line_error(const std::vector<std::string>& args, const std::string& mentions);

// Runs the CLI and checks it refused the command line: exit code 2 (CLI11's usage errors), nothing on stdout,
// and stderr contains `mentions`.
void check_usage_error(const std::vector<std::string>& args, const std::string& mentions = "");

}  // namespace test
