// Resident memory in tests: whether a test may check it (not under AddressSanitizer, whose shadow memory and
// quarantine are not the program's), and the peak RSS a `sparse-llm run` summary reports.
#pragma once

#include <catch2/catch.hpp>

#include <regex>
#include <string>

namespace test {

#if defined(SPARSE_LLM_ASAN)
constexpr bool kMeasuresRss = false;
#else
constexpr bool kMeasuresRss = true;
#endif

// The "peak RSS X MiB" of a run's summary (stderr).
inline double peak_rss_mib(const std::string& summary) {
    std::smatch m;
    REQUIRE(std::regex_search(summary, m, std::regex("peak RSS ([0-9.]+) MiB")));
    return std::stod(m[1]);
}

}  // namespace test
