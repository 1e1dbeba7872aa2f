// What a bench prints, written one way for every bench: its table of results, with lines of text above and
// below it in Markdown and the figures of the whole run beside the rows in JSON.
//
//   md     the title, a blank line, the table (or one line per field), and the footnote after a blank line
//   csv    the table's CSV columns: a header line of keys, a line per row
//   json   an array of row objects, one per line; with summary fields, one object: those fields, then the
//          array under rows_key
//   jsonl  one row object per line
//
//   report::BenchOutput output{table};
//   output.title = "dequantize 262144 elements per pass";
//   output.summary = {{"elements", report::Cell::unsigned_integer(262144)}};
//   fmt::print("{}", output.format("json"));   // {"elements": 262144, "rows": [\n  {...}\n]}
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "apps/report/table.h"

namespace report {

// "md", "csv", "json", "jsonl".
const std::vector<std::string>& output_formats();

struct BenchOutput {
    Table table;
    std::string title;             // Markdown: the line above the table
    std::string footnote;          // Markdown: the line below it
    bool md_by_field = false;      // Markdown: "| what | figure |", one line per field (a one-row table)
    std::vector<std::pair<std::string, Cell>> summary;  // JSON: fields of the whole run, before the rows
    std::string rows_key = "rows";                     // JSON: the rows' field when there is a summary

    // One of output_formats(); throws report::Error for anything else.
    std::string format(const std::string& format) const;

private:
    std::string markdown() const;
    std::string json() const;
};

}  // namespace report
