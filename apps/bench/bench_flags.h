// What the bench commands' flags share: -o / --output, and weight types given by name (--types).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <CLI/CLI.hpp>

#include "gguf/quant/ggml_type.h"

namespace bench {

// -o / --output: md (the default), csv, json or jsonl, as report::BenchOutput writes them.
CLI::Option* add_output_flag(CLI::App& sub, std::string& output);

// The types of ggml type names ("q4_0", "Q6_K"). Throws bench::Error "bench <command>: unknown type 'X'".
std::vector<gguf::GgmlType> types_from_names(const std::vector<std::string>& names, std::string_view command);

}  // namespace bench
