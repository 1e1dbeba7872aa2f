#include "apps/bench/bench_flags.h"

#include <fmt/format.h>

#include "apps/bench/bench_error.h"
#include "apps/report/bench_output.h"

namespace bench {

CLI::Option* add_output_flag(CLI::App& sub, std::string& output) {
    return sub.add_option("-o,--output", output, fmt::format("Output format: {}", fmt::join(report::output_formats(), ", ")))
        ->check(CLI::IsMember(report::output_formats()))
        ->capture_default_str();
}

std::vector<gguf::GgmlType> types_from_names(const std::vector<std::string>& names, std::string_view command) {
    std::vector<gguf::GgmlType> types;
    for (const std::string& name : names) {
        const auto type = gguf::ggml_type_from_name(name);
        if (!type) throw Error(fmt::format("bench {}: unknown type '{}'", command, name));
        types.push_back(*type);
    }
    return types;
}

}  // namespace bench
