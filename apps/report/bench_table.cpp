#include "apps/report/bench_table.h"

#include <stdexcept>

#include <fmt/format.h>

#include "apps/report/json_writer.h"

namespace report {
namespace {

// Quoted (with doubled quotes) when it holds a comma, a quote or a line break.
std::string csv_field(const std::string& value) {
    if (value.find_first_of(",\"\n\r") == std::string::npos) return value;
    std::string out = "\"";
    for (char c : value) out += c == '"' ? std::string("\"\"") : std::string(1, c);
    return out + "\"";
}

std::string md_field(const std::string& value) {
    std::string out;
    for (char c : value) out += c == '|' ? std::string("\\|") : std::string(1, c);
    return out;
}

}  // namespace

BenchCell BenchCell::text(const std::string& value) {
    return {JsonWriter().value(value).str(), csv_field(value), md_field(value), false};
}

BenchCell BenchCell::integer(int64_t value) {
    const std::string s = std::to_string(value);
    return {s, s, s, true};
}

BenchCell BenchCell::unsigned_integer(uint64_t value) {
    const std::string s = std::to_string(value);
    return {s, s, s, true};
}

BenchCell BenchCell::number(double value, int csv_decimals, int md_decimals) {
    return {JsonWriter().value(value).str(), fmt::format("{:.{}f}", value, csv_decimals),
            fmt::format("{:.{}f}", value, md_decimals), true};
}

BenchCell BenchCell::null(const std::string& md) { return {"null", "", md, true}; }

BenchCell BenchCell::numbers(const std::vector<double>& values) {
    JsonWriter json;
    json.begin_array();
    for (double v : values) json.value(v);
    json.end_array();
    return {json.str(), "", "", false};
}

void BenchTable::add_row(std::vector<BenchCell> cells) {
    if (cells.size() != columns_.size())
        throw std::invalid_argument(fmt::format("bench table: a row of {} cells for {} columns", cells.size(), columns_.size()));
    rows_.push_back(std::move(cells));
}

std::string BenchTable::format(const std::string& format) const {
    if (format == "md") return markdown();
    if (format == "csv") return csv();
    if (format == "json" || format == "jsonl") {
        const bool lines = format == "jsonl";
        std::string out = lines ? "" : "[";
        for (size_t i = 0; i < rows_.size(); ++i)
            out += lines ? json_object(rows_[i]) + "\n" : (i ? ",\n  " : "\n  ") + json_object(rows_[i]);
        return lines ? out : out + "\n]\n";
    }
    throw std::invalid_argument("unknown output format '" + format + "' (md, csv, json, jsonl)");
}

std::string BenchTable::markdown() const {
    std::string header = "|", rule = "|";
    for (size_t c = 0; c < columns_.size(); ++c) {
        if (columns_[c].header.empty()) continue;
        header += " " + columns_[c].header + " |";
        rule += !rows_.empty() && rows_.front()[c].numeric ? "---:|" : "---|";
    }
    std::string out = header + "\n" + rule + "\n";
    for (const auto& row : rows_) {
        out += "|";
        for (size_t c = 0; c < columns_.size(); ++c)
            if (!columns_[c].header.empty()) out += " " + row[c].md + " |";
        out += "\n";
    }
    return out;
}

std::string BenchTable::csv() const {
    std::string out;
    for (const BenchColumn& column : columns_)
        if (column.in_csv) out += (out.empty() ? "" : ",") + column.key;
    out += "\n";
    for (const auto& row : rows_) {
        std::string line;
        bool first = true;
        for (size_t c = 0; c < columns_.size(); ++c) {
            if (!columns_[c].in_csv) continue;
            line += (first ? "" : ",") + row[c].csv;
            first = false;
        }
        out += line + "\n";
    }
    return out;
}

std::string BenchTable::json_object(const std::vector<BenchCell>& row) const {
    std::string out = "{";
    for (size_t c = 0; c < columns_.size(); ++c)
        out += fmt::format("{}\"{}\": {}", c ? ", " : "", columns_[c].key, row[c].json);
    return out + "}";
}

}  // namespace report
