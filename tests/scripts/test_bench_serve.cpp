// scripts/bench-serve.sh, bounded by a request count: a server started on loopback, one table row per
// concurrency whose counts add up, and the server stopped after.
#include <catch2/catch.hpp>

#include <string>

#include "support/cli_runner.h"
#include "support/shared_data.h"

TEST_CASE("bench-serve: one row per concurrency, every request answered, within its count", "[scripts]") {
    SKIP_WITHOUT_SHARED();
    if (test::run_program("node", {"--version"}).exit_code != 0) {
        WARN("skipped: node is absent");
        return;
    }
    const test::CliResult r = test::run_program(
        "env", {std::string("SPARSE_LLM_BIN=") + SPARSE_LLM_BIN, "bash", std::string(SPARSE_LLM_SOURCE_DIR) + "/scripts/bench-serve.sh",
                test::shared_path("models/stories260K.gguf"), "--clients", "1,3", "--requests", "6", "--seconds", "120",
                "--max-tokens", "8", "--", "-t", "1", "--parallel", "2"});
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    CHECK_THAT(r.out, Catch::StartsWith("| clients | answered | refused | requests/s | tokens/s |"));
    CHECK_THAT(r.out, Catch::Contains("\n| 1 | 6 | 0 | ") && Catch::Contains("\n| 3 | 6 | 0 | "));
    CHECK_THAT(r.err, Catch::Contains("serving") && Catch::Contains("2 slots"));
}
