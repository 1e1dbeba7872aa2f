// `sparse-llm bench dequant` runs and reports every type (its speed is not asserted: a benchmark, not a test).
#include <catch2/catch.hpp>

#include <map>
#include <string>

#include "support/cli_runner.h"
#include "support/json_reader.h"

TEST_CASE("bench dequant: JSON rows for every type and thread count, with each format's bits per weight",
          "[bench]") {
    const auto r = test::run_cli({"bench", "dequant", "--mb", "1", "-r", "1", "-t", "1,2", "-o", "json"});
    REQUIRE(r.exit_code == 0);
    const auto report = test::json::parse(r.out);
    CHECK(report["bench"].as_string() == "dequant");
    CHECK(report["elements"].as_uint() == 262144);  // 1 MB of float32
    // Block bytes * 8 / block elements, from the format definitions.
    const std::map<std::string, double> bits = {
        {"f32", 32},     {"f16", 16},       {"bf16", 16},  {"q4_0", 4.5}, {"q4_1", 5},       {"q5_0", 5.5},
        {"q5_1", 6},     {"q8_0", 8.5},     {"q2_K", 2.625}, {"q3_K", 3.4375}, {"q4_K", 4.5}, {"q5_K", 5.5},
        {"q6_K", 6.5625}, {"q8_K", 9.125}};
    const auto& rows = report["rows"];
    REQUIRE(rows.size() == 2 * bits.size());
    for (const auto& row : rows.items()) {
        const std::string type = row["type"].as_string();
        INFO(type);
        REQUIRE(bits.count(type) == 1);
        CHECK(row["bits_per_weight"].as_double() == Approx(bits.at(type)));
        CHECK(row["read_gb_per_s"].as_double() > 0);
        CHECK(row["written_gb_per_s"].as_double() > 0);
        // Bytes read per byte written is the ratio of the formats' sizes.
        CHECK(row["read_gb_per_s"].as_double() / row["written_gb_per_s"].as_double() ==
              Approx(bits.at(type) / 32).epsilon(1e-3));
    }
}

TEST_CASE("bench dequant: markdown table, and bad types and options are errors", "[bench]") {
    auto r = test::run_cli({"bench", "dequant", "--mb", "1", "-r", "1", "--types", "q4_0,q6_K"});
    REQUIRE(r.exit_code == 0);
    CHECK_THAT(r.out, Catch::Contains("| type | bits/weight | threads |") && Catch::Contains("| q4_0 | 4.50 | 1 |") &&
                          Catch::Contains("| q6_K | 6.56 | 1 |"));
    r = test::run_cli({"bench", "dequant", "--types", "q9_0"});
    CHECK(r.exit_code == 1);
    CHECK_THAT(r.err, Catch::Contains("q9_0"));
    r = test::run_cli({"bench", "dequant", "--types", "iq2_xxs", "--mb", "1"});
    CHECK(r.exit_code == 1);
    CHECK_THAT(r.err, Catch::Contains("iq2_xxs"));
    r = test::run_cli({"bench", "dequant", "-o", "xml"});
    CHECK(r.exit_code == 2);
}

TEST_CASE("bench dequant: CSV and JSON Lines carry the same rows as JSON", "[bench]") {
    const auto csv = test::run_cli({"bench", "dequant", "--mb", "1", "-r", "1", "--types", "q4_0,q6_K", "-o", "csv"});
    REQUIRE(csv.exit_code == 0);
    CHECK_THAT(csv.out, Catch::StartsWith("type,bits_per_weight,threads,ms,read_gb_per_s,written_gb_per_s,"
                                          "total_gb_per_s,gelem_per_s\nq4_0,4.5000,1,") &&
                            Catch::Contains("\nq6_K,6.5625,1,"));
    const auto jsonl = test::run_cli({"bench", "dequant", "--mb", "1", "-r", "1", "--types", "q8_0", "-o", "jsonl"});
    REQUIRE(jsonl.exit_code == 0);
    const auto row = test::json::parse(jsonl.out);
    CHECK(row["type"].as_string() == "q8_0");
    CHECK(row["bits_per_weight"].as_double() == 8.5);
}
