// The shared output of the bench subcommands: the same rows as Markdown, CSV (quoted where needed), a JSON
// array and JSON Lines that parse back to the values.
#include <catch2/catch.hpp>

#include <sstream>
#include <stdexcept>
#include <string>

#include "apps/report/bench_table.h"
#include "support/json_reader.h"

namespace {

report::BenchTable sample() {
    using report::BenchCell;
    report::BenchTable table({{"name", "name"}, {"n", "n"}, {"ms", "time ms"}, {"ratio", "×"}, {"samples", "", false}});
    table.add_row({BenchCell::text("a, \"b\" | c"), BenchCell::integer(-3), BenchCell::number(1.0 / 3.0, 4, 2),
                   BenchCell::null(), BenchCell::numbers({1.5, 2.25})});
    table.add_row({BenchCell::text("plain"), BenchCell::unsigned_integer(18446744073709551615ull),
                   BenchCell::number(2.5, 4, 2).with_md("2.5 ± 0.1"), BenchCell::number(0.125, 3, 3),
                   BenchCell::numbers({})});
    return table;
}

}  // namespace

TEST_CASE("bench table: Markdown shows the headed columns, numbers right-aligned", "[bench]") {
    CHECK(sample().format("md") ==
          "| name | n | time ms | × |\n"
          "|---|---:|---:|---:|\n"
          "| a, \"b\" \\| c | -3 | 0.33 | – |\n"
          "| plain | 18446744073709551615 | 2.5 ± 0.1 | 0.125 |\n");
}

TEST_CASE("bench table: CSV quotes fields with commas or quotes and leaves out array columns", "[bench]") {
    CHECK(sample().format("csv") ==
          "name,n,ms,ratio\n"
          "\"a, \"\"b\"\" | c\",-3,0.3333,\n"
          "plain,18446744073709551615,2.5000,0.125\n");
}

TEST_CASE("bench table: JSON and JSON Lines parse back to the exact values", "[bench]") {
    const auto rows = test::json::parse(sample().format("json"));
    REQUIRE(rows.size() == 2);
    CHECK(rows[0]["name"].as_string() == "a, \"b\" | c");
    CHECK(rows[0]["n"].as_int() == -3);
    CHECK(rows[0]["ms"].as_double() == 1.0 / 3.0);
    CHECK(rows[0]["ratio"].is_null());
    CHECK(rows[0]["samples"][1].as_double() == 2.25);
    CHECK(rows[1]["n"].as_uint() == 18446744073709551615ull);
    CHECK(rows[1]["samples"].size() == 0);

    std::istringstream lines(sample().format("jsonl"));
    std::string line;
    size_t n = 0;
    while (std::getline(lines, line)) {
        const auto row = test::json::parse(line);
        CHECK(row["name"].as_string() == rows[n]["name"].as_string());
        CHECK(row["ms"].as_double() == rows[n]["ms"].as_double());
        ++n;
    }
    CHECK(n == 2);
}

TEST_CASE("bench table: a short row or an unknown format is an error", "[bench]") {
    report::BenchTable table({{"a", "a"}, {"b", "b"}});
    CHECK_THROWS_AS(table.add_row({report::BenchCell::integer(1)}), std::invalid_argument);
    CHECK_THROWS_WITH(table.format("xml"), Catch::Contains("unknown output format 'xml'"));
    CHECK(table.format("json") == "[\n]\n");
}
