#include "apps/cli/flag_checks.h"

#include <charconv>
#include <cmath>
#include <cstdlib>
#include <optional>
#include <string>

#include <fmt/format.h>

namespace cli::flags {
namespace {

template <typename T>
std::optional<T> parse_whole(const std::string& text) {
    T value{};
    const char* end = text.data() + text.size();
    const auto [ptr, ec] = std::from_chars(text.data(), end, value);
    if (ec != std::errc() || ptr != end) return std::nullopt;
    return value;
}

std::string out_of_range(const std::string& input, const std::string& range) {
    return fmt::format("Value {} not in range {}", input, range);
}

}  // namespace

CLI::Validator integer(int64_t min, int64_t max) {
    const std::string range = fmt::format("{} to {}", min, max);
    return CLI::Validator(
        [min, max, range](std::string& input) {
            const auto value = parse_whole<int64_t>(input);
            return value && *value >= min && *value <= max ? std::string() : out_of_range(input, range);
        },
        fmt::format("[{} - {}]", min, max));
}

CLI::Validator unsigned64() {
    return CLI::Validator(
        [](std::string& input) {
            return parse_whole<uint64_t>(input) ? std::string() : out_of_range(input, fmt::format("0 to {}", UINT64_MAX));
        },
        "[0 - 2^64-1]");
}

CLI::Validator all_or_positive(int64_t max) {
    return CLI::Validator(
        [max](std::string& input) {
            const auto value = parse_whole<int64_t>(input);
            return value && (*value == -1 || (*value >= 1 && *value <= max))
                       ? std::string()
                       : out_of_range(input, fmt::format("1 to {} (or -1)", max));
        },
        fmt::format("-1 or [1 - {}]", max));
}

CLI::Validator real(double min, double max) {
    const std::string range = fmt::format("{} to {}", min, max);
    return CLI::Validator(
        [min, max, range](std::string& input) {
            char* end = nullptr;
            const double value = std::strtod(input.c_str(), &end);
            const bool whole = !input.empty() && end == input.c_str() + input.size();
            return whole && std::isfinite(value) && value >= min && value <= max ? std::string()
                                                                               : out_of_range(input, range);
        },
        fmt::format("[{} - {}]", min, max));
}

CLI::Validator not_empty() {
    return CLI::Validator([](std::string& input) { return input.empty() ? std::string("must not be empty") : std::string(); },
                          "not empty");
}

}  // namespace cli::flags
