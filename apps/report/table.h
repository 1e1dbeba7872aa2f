// Rows of named fields, each value held in the form every output shows it: a Markdown table (one line per row,
// or one line per field), CSV, and one JSON object per row. report::BenchOutput (bench_output.h) prints them.
//
//   report::Table table({{"backend", "backend"}, {"seq", "seq"}, {"samples_ns", "", false}});
//   table.add_row({report::Cell::text("sparse"), report::Cell::integer(512),
//                  report::Cell::numbers({1.5e6, 1.6e6})});
//
// JSON carries the columns marked in_json, CSV those marked in_csv, Markdown those with a header (numbers
// right-aligned).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace report {

struct Column {
    std::string key;      // JSON and CSV field name
    std::string header;   // Markdown header; empty: not in the Markdown table
    bool in_csv = true;
    bool in_json = true;  // false: a Markdown or CSV view of a value JSON holds otherwise (e.g. in an array)
};

class Table;

// One value in its three forms.
struct Cell {
    std::string json, csv, md;
    bool numeric = false;  // right-aligned in Markdown

    static Cell text(std::string_view value);
    static Cell integer(int64_t value);
    static Cell unsigned_integer(uint64_t value);
    // JSON: the shortest text that reads back as the same double; CSV and Markdown with fixed decimals.
    static Cell number(double value, int csv_decimals, int md_decimals);
    static Cell null(const std::string& md = "–");  // CSV: empty
    // JSON arrays (not for CSV or Markdown): of numbers, of strings, of a table's row objects.
    static Cell numbers(const std::vector<double>& values);
    static Cell texts(const std::vector<std::string>& values);
    static Cell rows(const Table& table);
    // The same value shown differently in the Markdown table.
    Cell with_md(std::string shown) && {
        md = std::move(shown);
        return std::move(*this);
    }
};

class Table {
public:
    explicit Table(std::vector<Column> columns) : columns_(std::move(columns)) {}

    // Throws report::Error when the row has a different number of cells than there are columns.
    void add_row(std::vector<Cell> cells);

    // "| header | ... |", the alignment line, then a line per row.
    std::string markdown() const;
    // "| what | figure |", then a line per headed column of each row: for a report of one row.
    std::string markdown_by_field() const;
    // The header line of keys, then a line per row.
    std::string csv() const;
    // One object per row, on one line: {"key": value, ...}.
    std::vector<std::string> json_objects() const;

private:
    std::vector<Column> columns_;
    std::vector<std::vector<Cell>> rows_;
};

// A JSON object's field as the objects here write it: "key": value (value already JSON).
std::string json_field(const std::string& key, const std::string& json_value);

}  // namespace report
