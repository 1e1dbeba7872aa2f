// `sparse-llm summarise` with a decode deadline while other processes keep every core busy: each fold's counts
// (JSON lines) add up to what the --verbose log shows, no attempt under the deadline ends later than the
// deadline plus one checkpoint interval, and degrade keeps every fold's summary coming.
#include <catch2/catch.hpp>

#include <algorithm>
#include <string>
#include <thread>

#include "support/busy_processes.h"
#include "support/cli_runner.h"
#include "support/deadline_log.h"
#include "support/file_bytes.h"
#include "support/json_reader.h"
#include "support/shared_data.h"

TEST_CASE("summarise: a deadline on a busy CPU: fold counts agree with the log, no attempt past one checkpoint "
          "interval", "[cli][summarise][deadline]") {
    SKIP_WITHOUT_SHARED();
    const std::string text = test::read_bytes(test::shared_path("models/stories260K.greedy200.txt"));
    const test::BusyProcesses busy(std::max(1u, std::thread::hardware_concurrency()));
    const test::CliResult r = test::run_cli({"summarise", test::shared_path("models/stories260K.gguf"), "--jsonl",
                                             "--chunk-tokens", "64", "--max-summary-tokens", "12", "-t", "2",
                                             "--deadline-ms", "0.05", "--on-deadline", "degrade", "--verbose"},
                                            text + "\n\n" + text);
    REQUIRE(r.exit_code == 0);
    size_t folds = 0, misses = 0, late_steps = 0;
    for (size_t at = 0; at < r.out.size();) {
        const size_t end = r.out.find('\n', at);
        const test::json::Value line = test::json::parse(r.out.substr(at, end - at));
        at = end == std::string::npos ? r.out.size() : end + 1;
        if (line.contains("final")) continue;
        ++folds;
        CHECK(line["updated"].as_bool());  // degrade never stops a fold
        misses += static_cast<size_t>(line["deadline_misses"].as_int());
        late_steps += static_cast<size_t>(line["late_steps"].as_int());
    }
    CHECK(folds >= 3);
    const test::DeadlineLog log = test::read_deadline_log(r.err, 0.05);
    CHECK(log.timed_attempts > 0);
    CHECK(log.misses == misses);
    CHECK(log.late_steps == late_steps);
    for (const std::string& line : log.attempts_too_late) UNSCOPED_INFO(line);
    CHECK(log.attempts_too_late.empty());
}
