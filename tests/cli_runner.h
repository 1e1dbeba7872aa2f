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

}  // namespace test
