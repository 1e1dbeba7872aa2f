// Benchmark results as rows of named fields, printed the same way by every `bench` subcommand: a Markdown
// table, CSV, a JSON array of row objects, or JSON Lines (one object per line).
//
//   report::BenchTable table({{"backend", "backend"}, {"seq", "seq"}, {"samples_ns", "", false}});
//   table.add_row({report::BenchCell::text("sparse"), report::BenchCell::integer(512),
//                  report::BenchCell::numbers({1.5e6, 1.6e6})});
//   fmt::print("{}", table.format("md"));
//
// JSON carries every column; CSV the columns marked in_csv; Markdown those with a header (numbers right-aligned).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace report {

struct BenchColumn {
    std::string key;      // JSON and CSV field name
    std::string header;   // Markdown header; empty: not in the Markdown table
    bool in_csv = true;
};

// One value in its three forms.
struct BenchCell {
    std::string json, csv, md;
    bool numeric = false;  // right-aligned in Markdown

    static BenchCell text(const std::string& value);
    static BenchCell integer(int64_t value);
    static BenchCell unsigned_integer(uint64_t value);
    // JSON: the shortest text that reads back as the same double; CSV and Markdown with fixed decimals.
    static BenchCell number(double value, int csv_decimals, int md_decimals);
    static BenchCell null(const std::string& md = "–");  // CSV: empty
    static BenchCell numbers(const std::vector<double>& values);  // a JSON array (not for CSV or Markdown)
    // The same value shown differently in the Markdown table.
    BenchCell with_md(std::string shown) && {
        md = std::move(shown);
        return std::move(*this);
    }
};

class BenchTable {
public:
    explicit BenchTable(std::vector<BenchColumn> columns) : columns_(std::move(columns)) {}

    // Throws std::invalid_argument when the row has a different number of cells than there are columns.
    void add_row(std::vector<BenchCell> cells);

    // "md", "csv", "json" or "jsonl"; throws std::invalid_argument for anything else.
    std::string format(const std::string& format) const;

private:
    std::string markdown() const;
    std::string csv() const;
    std::string json_object(const std::vector<BenchCell>& row) const;

    std::vector<BenchColumn> columns_;
    std::vector<std::vector<BenchCell>> rows_;
};

}  // namespace report
