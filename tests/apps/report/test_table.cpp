// Rows of named fields: the same rows as a Markdown table (or one line per field), CSV (quoted where needed) and
// JSON objects that parse back to the values; columns shown only where they are marked.
#include <catch2/catch.hpp>

#include <string>

#include "apps/report/report_error.h"
#include "apps/report/table.h"
#include "support/json_reader.h"

namespace {

report::Table sample() {
    using report::Cell;
    report::Table table({{"name", "name"}, {"n", "n"}, {"ms", "time ms"}, {"ratio", "×"}, {"samples", "", false}});
    table.add_row({Cell::text("a, \"b\" | c"), Cell::integer(-3), Cell::number(1.0 / 3.0, 4, 2), Cell::null(),
                   Cell::numbers({1.5, 2.25})});
    table.add_row({Cell::text("plain"), Cell::unsigned_integer(18446744073709551615ull),
                   Cell::number(2.5, 4, 2).with_md("2.5 ± 0.1"), Cell::number(0.125, 3, 3), Cell::numbers({})});
    return table;
}

}  // namespace

TEST_CASE("table: Markdown shows the headed columns, numbers right-aligned", "[report]") {
    CHECK(sample().markdown() ==
          "| name | n | time ms | × |\n"
          "|---|---:|---:|---:|\n"
          "| a, \"b\" \\| c | -3 | 0.33 | – |\n"
          "| plain | 18446744073709551615 | 2.5 ± 0.1 | 0.125 |\n");
}

TEST_CASE("table: Markdown by field shows one line per headed column", "[report]") {
    report::Table table({{"load_ms", "load"}, {"n_tokens", ""}, {"encode", "encode"}});
    table.add_row({report::Cell::number(17.14, 3, 1).with_md("17.1 ms"), report::Cell::integer(20468),
                   report::Cell::text("19.58 MB/s")});
    CHECK(table.markdown_by_field() ==
          "| what | figure |\n"
          "|---|---|\n"
          "| load | 17.1 ms |\n"
          "| encode | 19.58 MB/s |\n");
}

TEST_CASE("table: CSV quotes fields with commas or quotes and leaves out array columns", "[report]") {
    CHECK(sample().csv() ==
          "name,n,ms,ratio\n"
          "\"a, \"\"b\"\" | c\",-3,0.3333,\n"
          "plain,18446744073709551615,2.5000,0.125\n");
}

TEST_CASE("table: JSON objects parse back to the exact values", "[report]") {
    const auto objects = sample().json_objects();
    REQUIRE(objects.size() == 2);
    const auto first = test::json::parse(objects[0]), second = test::json::parse(objects[1]);
    CHECK(first["name"].as_string() == "a, \"b\" | c");
    CHECK(first["n"].as_int() == -3);
    CHECK(first["ms"].as_double() == 1.0 / 3.0);
    CHECK(first["ratio"].is_null());
    CHECK(first["samples"][1].as_double() == 2.25);
    CHECK(second["n"].as_uint() == 18446744073709551615ull);
    CHECK(second["samples"].size() == 0);
}

TEST_CASE("table: a column only for Markdown and CSV stays out of JSON, a table nests as an array", "[report]") {
    using report::Cell;
    report::Table inner({{"tokens", ""}, {"gflops", ""}});
    inner.add_row({Cell::integer(8), Cell::number(98.4375, 3, 1)});
    report::Table table({{"matmul", "", false}, {"matmul_n8_gflops", "n=8", true, false}, {"skipped", "", false}});
    table.add_row({Cell::rows(inner), Cell::number(98.4375, 3, 1), Cell::texts({"q4_K 576x576", "a \"b\""})});
    CHECK(table.json_objects().at(0) ==
          R"({"matmul": [{"tokens": 8, "gflops": 98.4375}], "skipped": ["q4_K 576x576", "a \"b\""]})");
    CHECK(table.csv() == "matmul_n8_gflops\n98.438\n");
    CHECK(table.markdown() == "| n=8 |\n|---:|\n| 98.4 |\n");
}

TEST_CASE("table: a short row is an error", "[report]") {
    report::Table table({{"a", "a"}, {"b", "b"}});
    CHECK_THROWS_AS(table.add_row({report::Cell::integer(1)}), report::Error);
    CHECK(table.json_objects().empty());
}
