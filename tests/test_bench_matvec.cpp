// `sparse-llm bench matvec`: the report's shape (not its speed: speed is not for unit tests).
#include <catch2/catch.hpp>

#include "cli_runner.h"
#include "json_reader.h"

TEST_CASE("bench matvec: json report with bandwidth, every shape the type holds, and each batch size", "[bench]") {
    const auto result = test::run_cli({"bench", "matvec", "--types", "q4_0,q4_K", "-t", "1", "-n", "1,3", "-r", "1",
                                       "--cold-mb", "2", "-o", "json"});
    REQUIRE(result.exit_code == 0);
    const auto report = test::json::parse(result.out);
    REQUIRE(report["bandwidth"].size() == 1);
    CHECK(report["bandwidth"][0]["gb_per_s"].as_float() > 0.0);
    const auto& results = report["results"];
    REQUIRE(results.size() == 5);  // q4_0 at the 4 shapes; q4_K only where a row is whole 256-blocks (ffn_down)
    for (size_t i = 0; i < results.size(); ++i) {
        const auto& r = results[i];
        CHECK(r["threads"].as_float() == 1.0);
        CHECK((r["kernel"].as_string() == "avx2" || r["kernel"].as_string() == "scalar"));
        CHECK(r["matvec_us"].as_float() > 0.0);
        CHECK(r["weight_bytes"].as_float() > 0.0);
        REQUIRE(r["matmul"].size() == 2);
        CHECK(r["matmul"][1]["tokens"].as_float() == 3.0);
        CHECK(r["matmul"][1]["gflops"].as_float() > 0.0);
    }
    CHECK(results[4]["type"].as_string() == "q4_K");
    CHECK(results[4]["cols"].as_float() == 1536.0);
    CHECK(report["skipped"].size() == 3);
}

TEST_CASE("bench matvec: an unknown or unsupported type is one error line, exit 1", "[bench]") {
    auto result = test::run_cli({"bench", "matvec", "--types", "q9_9"});
    CHECK(result.exit_code == 1);
    CHECK(result.err == "error: bench matvec: unknown type 'q9_9'\n");
    result = test::run_cli({"bench", "matvec", "--types", "iq4_nl"});
    CHECK(result.exit_code == 1);
    CHECK(result.err == "error: bench matvec: no kernel for type iq4_nl\n");
}
