// What every bench prints: Markdown with the title above the table and the footnote below it, CSV, a JSON
// array of rows (or an object with the run's fields and the rows) and JSON Lines, all of the same rows.
#include <catch2/catch.hpp>

#include <sstream>
#include <string>

#include "apps/report/bench_output.h"
#include "apps/report/report_error.h"
#include "support/json_reader.h"

namespace {

report::BenchOutput sample() {
    using report::Cell;
    report::Table table({{"type", "type"}, {"ms", "ms"}});
    table.add_row({Cell::text("q4_0"), Cell::number(0.25, 4, 2)});
    table.add_row({Cell::text("f16"), Cell::number(1.5, 4, 2)});
    return {table};
}

}  // namespace

TEST_CASE("bench output: Markdown is the title, the table and the footnote, blank lines between", "[report]") {
    report::BenchOutput output = sample();
    CHECK(output.format("md") == "| type | ms |\n|---|---:|\n| q4_0 | 0.25 |\n| f16 | 1.50 |\n");
    output.title = "memory bandwidth: 54.4 GB/s";
    output.footnote = "not a whole number of blocks per row: q4_K 576x576";
    CHECK(output.format("md") ==
          "memory bandwidth: 54.4 GB/s\n\n"
          "| type | ms |\n|---|---:|\n| q4_0 | 0.25 |\n| f16 | 1.50 |\n"
          "\nnot a whole number of blocks per row: q4_K 576x576\n");
    output.md_by_field = true;
    CHECK(output.format("md").find("| what | figure |\n|---|---|\n| type | q4_0 |\n| ms | 0.25 |\n") !=
          std::string::npos);
}

TEST_CASE("bench output: JSON is an array of rows, one per line, or an object with the run's fields", "[report]") {
    report::BenchOutput output = sample();
    CHECK(output.format("json") == "[\n  {\"type\": \"q4_0\", \"ms\": 0.25},\n  {\"type\": \"f16\", \"ms\": 1.5}\n]\n");
    output.summary = {{"bench", report::Cell::text("dequant")}, {"elements", report::Cell::integer(262144)}};
    output.rows_key = "results";
    CHECK(output.format("json") ==
          "{\"bench\": \"dequant\", \"elements\": 262144, \"results\": [\n"
          "  {\"type\": \"q4_0\", \"ms\": 0.25},\n  {\"type\": \"f16\", \"ms\": 1.5}\n]}\n");
    const auto parsed = test::json::parse(output.format("json"));
    CHECK(parsed["elements"].as_int() == 262144);
    CHECK(parsed["results"][1]["type"].as_string() == "f16");
}

TEST_CASE("bench output: CSV and JSON Lines carry the rows alone", "[report]") {
    report::BenchOutput output = sample();
    output.title = "a title";
    output.summary = {{"bench", report::Cell::text("dequant")}};
    CHECK(output.format("csv") == "type,ms\nq4_0,0.2500\nf16,1.5000\n");
    std::istringstream lines(output.format("jsonl"));
    std::string line;
    size_t n = 0;
    for (; std::getline(lines, line); ++n) CHECK(test::json::parse(line)["type"].as_string() == (n ? "f16" : "q4_0"));
    CHECK(n == 2);
}

TEST_CASE("bench output: no rows, and an unknown format is an error naming the known ones", "[report]") {
    const report::BenchOutput empty{report::Table({{"a", "a"}, {"b", "b"}})};
    CHECK(empty.format("json") == "[\n]\n");
    CHECK(empty.format("jsonl").empty());
    CHECK_THROWS_AS(empty.format("xml"), report::Error);
    CHECK_THROWS_WITH(empty.format("xml"), "unknown output format 'xml' (md, csv, json, jsonl)");
}
