// `sparse-llm run` with a decode deadline while other processes keep every core busy: the counts in the summary
// agree with the per-step log, no attempt under the deadline ends later than the deadline plus one checkpoint
// interval (the longest time between two of its checkpoints, its end included), and degrade keeps generating.
#include <catch2/catch.hpp>

#include <algorithm>
#include <regex>
#include <string>
#include <thread>

#include "support/busy_processes.h"
#include "support/cli_runner.h"
#include "support/deadline_log.h"
#include "support/shared_data.h"

namespace {

size_t summary_count(const std::string& err, const std::string& label) {
    std::smatch m;
    REQUIRE(std::regex_search(err, m, std::regex(label + " (\\d+)")));
    return std::stoul(m[1]);
}

}  // namespace

TEST_CASE("run: a deadline on a busy CPU: counts agree with the log, no attempt past one checkpoint interval",
          "[cli][run][deadline]") {
    SKIP_WITHOUT_SHARED();
    const test::BusyProcesses busy(std::max(1u, std::thread::hardware_concurrency()));
    // 0.05 ms is about one idle decode step of stories260K: some attempts make it, preempted ones miss.
    for (const char* deadline : {"0.05", "0.2"}) {
        INFO("--deadline-ms " << deadline);
        const test::CliResult r = test::run_cli({"run", test::shared_path("models/stories260K.gguf"), "-n", "48",
                                                 "--temp", "0", "-t", "2", "--deadline-ms", deadline,
                                                 "--on-deadline", "degrade", "--verbose"});
        REQUIRE(r.exit_code == 0);
        CHECK_THAT(r.err, Catch::Contains("generated: 48 tokens") && Catch::Contains("stop: n_predict"));
        CHECK_FALSE(r.out.empty());
        const test::DeadlineLog log = test::read_deadline_log(r.err, std::stod(deadline));
        CHECK(log.timed_attempts > 0);
        CHECK(log.misses == summary_count(r.err, "deadline misses"));
        CHECK(log.late_steps == summary_count(r.err, "steps over the deadline"));
        for (const std::string& line : log.attempts_too_late) UNSCOPED_INFO(line);
        CHECK(log.attempts_too_late.empty());
    }
}
