// `sparse-llm bench model`: llama-bench's tests and JSON fields, with statistics that add up.
#include <catch2/catch.hpp>

#include <cmath>
#include <numeric>

#include "support/cli_runner.h"
#include "support/json_reader.h"
#include "support/shared_data.h"

TEST_CASE("bench model: pp and tg at each depth, llama-bench fields, consistent statistics", "[bench][cli]") {
    SKIP_WITHOUT_SHARED();
    const test::CliResult r = test::run_cli({"bench", "model", test::shared_path("models/stories260K.gguf"), "-p", "16",
                                            "-n", "8", "-d", "0,40", "-r", "3", "-t", "1", "-o", "json",
                                            "--attention", "dense", "--kv-type", "f32"});
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    const auto rows = test::json::parse(r.out);
    REQUIRE(rows.size() == 4);
    const int64_t expected[4][3] = {{16, 0, 0}, {0, 8, 0}, {16, 0, 40}, {0, 8, 40}};  // n_prompt, n_gen, n_depth
    for (size_t i = 0; i < 4; ++i) {
        const auto& row = rows[i];
        CHECK_THAT(row["model_filename"].as_string(), Catch::EndsWith("stories260K.gguf"));
        CHECK(row["n_threads"].as_int() == 1);
        CHECK(row["n_prompt"].as_int() == expected[i][0]);
        CHECK(row["n_gen"].as_int() == expected[i][1]);
        CHECK(row["n_depth"].as_int() == expected[i][2]);
        CHECK(row["attention"].as_string() == "dense");
        CHECK(row["kv_type"].as_string() == "f32");
        CHECK(row["peak_rss_mb"].as_double() > 0);
        REQUIRE(row["samples_ns"].size() == 3);
        REQUIRE(row["samples_ts"].size() == 3);
        const double tokens = static_cast<double>(expected[i][0] + expected[i][1]);
        double ns_sum = 0, ts_sum = 0;
        for (size_t k = 0; k < 3; ++k) {
            const double ns = row["samples_ns"][k].as_double(), ts = row["samples_ts"][k].as_double();
            CHECK(ts == Approx(tokens * 1e9 / ns).epsilon(1e-6));  // each sample: tokens over its own time
            ns_sum += ns;
            ts_sum += ts;
        }
        CHECK(row["avg_ns"].as_double() == Approx(ns_sum / 3).margin(1.0));  // whole nanoseconds
        CHECK(row["avg_ts"].as_double() == Approx(ts_sum / 3).epsilon(1e-9));
        CHECK(row["stddev_ts"].as_double() >= 0);
    }
}

TEST_CASE("bench model: markdown names each test", "[bench][cli]") {
    SKIP_WITHOUT_SHARED();
    const test::CliResult r = test::run_cli({"bench", "model", test::shared_path("models/stories260K.gguf"), "-p", "8",
                                            "-n", "4", "-d", "16", "-r", "1", "-t", "1"});
    REQUIRE(r.exit_code == 0);
    CHECK_THAT(r.out, Catch::Contains("| pp8 @ d16 |") && Catch::Contains("| tg4 @ d16 |") && Catch::Contains("peak RSS"));
    CHECK(test::run_cli({"bench", "model", test::shared_path("models/stories260K.gguf"), "-o", "xml"}).exit_code == 2);
}

TEST_CASE("bench model: --sequences runs tg with several sequences decoding together, counting all their tokens",
          "[bench][cli]") {
    SKIP_WITHOUT_SHARED();
    const test::CliResult r = test::run_cli({"bench", "model", test::shared_path("models/stories260K.gguf"), "-p", "8",
                                            "-n", "4", "-d", "16", "--sequences", "1,3", "-r", "2", "-t", "1", "-o", "json"});
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    const auto rows = test::json::parse(r.out);
    REQUIRE(rows.size() == 3);  // pp8 once, tg4 for 1 and for 3 sequences
    CHECK(rows[0]["test"].as_string() == "pp8 @ d16");
    CHECK(rows[1]["test"].as_string() == "tg4 @ d16");
    CHECK(rows[2]["test"].as_string() == "tg4 x3 @ d16");
    CHECK(rows[2]["n_sequences"].as_int() == 3);
    CHECK(rows[2]["kv_bytes"].as_int() == 3 * rows[1]["kv_bytes"].as_int());  // a cache per sequence
    for (size_t k = 0; k < 2; ++k)  // 3 x 4 tokens over each sample's time
        CHECK(rows[2]["samples_ts"][k].as_double() == Approx(12 * 1e9 / rows[2]["samples_ns"][k].as_double()).epsilon(1e-6));
    CHECK(test::run_cli({"bench", "model", test::shared_path("models/stories260K.gguf"), "--sequences", "0"}).exit_code == 2);
}
