// What a --verbose log says about decode deadlines: the misses (warnings), the attempts that ran under the
// deadline (each with its time and its longest checkpoint interval) and the decode steps over the deadline.
#pragma once

#include <regex>
#include <sstream>
#include <string>
#include <vector>

namespace test {

struct DeadlineLog {
    size_t misses = 0, late_steps = 0, timed_attempts = 0;
    // Attempts that ended later than the deadline plus their longest checkpoint interval.
    std::vector<std::string> attempts_too_late;
};

inline DeadlineLog read_deadline_log(const std::string& err, double deadline_ms) {
    static const std::regex miss(R"(^warning: deadline of .* ms missed at )");
    static const std::regex attempt(
        R"(attempt under the deadline: ([0-9.]+) ms, \w+; checkpoint interval up to ([0-9.]+) ms)");
    static const std::regex step(R"(^debug: decode step \d+: ([0-9.]+) ms$)");
    constexpr double kLogResolutionMs = 0.001;  // the log's 4 decimals, and two clock reads
    DeadlineLog log;
    std::istringstream lines(err);
    std::smatch m;
    for (std::string line; std::getline(lines, line);) {
        if (std::regex_search(line, miss)) ++log.misses;
        if (std::regex_search(line, m, step) && std::stod(m[1]) > deadline_ms) ++log.late_steps;
        if (std::regex_search(line, m, attempt)) {
            ++log.timed_attempts;
            if (std::stod(m[1]) > deadline_ms + std::stod(m[2]) + kLogResolutionMs) log.attempts_too_late.push_back(line);
        }
    }
    return log;
}

}  // namespace test
