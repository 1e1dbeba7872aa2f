#include "apps/report/table.h"

#include <fmt/format.h>

#include "apps/report/json_writer.h"
#include "apps/report/report_error.h"

namespace report {
namespace {

// Quoted (with doubled quotes) when it holds a comma, a quote or a line break.
std::string csv_field(std::string_view value) {
    if (value.find_first_of(",\"\n\r") == std::string_view::npos) return std::string(value);
    std::string out = "\"";
    for (char c : value) out += c == '"' ? std::string("\"\"") : std::string(1, c);
    return out + "\"";
}

std::string md_field(std::string_view value) {
    std::string out;
    for (char c : value) out += c == '|' ? std::string("\\|") : std::string(1, c);
    return out;
}

std::string json_array(const std::vector<std::string>& items) { return fmt::format("[{}]", fmt::join(items, ", ")); }

}  // namespace

Cell Cell::text(std::string_view value) {
    return {JsonWriter().value(value).str(), csv_field(value), md_field(value), false};
}

Cell Cell::integer(int64_t value) {
    const std::string s = std::to_string(value);
    return {s, s, s, true};
}

Cell Cell::unsigned_integer(uint64_t value) {
    const std::string s = std::to_string(value);
    return {s, s, s, true};
}

Cell Cell::number(double value, int csv_decimals, int md_decimals) {
    return {JsonWriter().value(value).str(), fmt::format("{:.{}f}", value, csv_decimals),
            fmt::format("{:.{}f}", value, md_decimals), true};
}

Cell Cell::null(const std::string& md) { return {"null", "", md, true}; }

Cell Cell::numbers(const std::vector<double>& values) {
    JsonWriter json;
    json.begin_array();
    for (double v : values) json.value(v);
    json.end_array();
    return {json.str(), "", "", false};
}

Cell Cell::texts(const std::vector<std::string>& values) {
    std::vector<std::string> items;
    for (const std::string& v : values) items.push_back(JsonWriter().value(v).str());
    return {json_array(items), "", "", false};
}

Cell Cell::rows(const Table& table) { return {json_array(table.json_objects()), "", "", false}; }

void Table::add_row(std::vector<Cell> cells) {
    if (cells.size() != columns_.size())
        throw Error(fmt::format("bench table: a row of {} cells for {} columns", cells.size(), columns_.size()));
    rows_.push_back(std::move(cells));
}

std::string Table::markdown() const {
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

std::string Table::markdown_by_field() const {
    std::string out = "| what | figure |\n|---|---|\n";
    for (const auto& row : rows_)
        for (size_t c = 0; c < columns_.size(); ++c)
            if (!columns_[c].header.empty()) out += "| " + columns_[c].header + " | " + row[c].md + " |\n";
    return out;
}

std::string Table::csv() const {
    std::vector<std::string> keys;
    for (const Column& column : columns_)
        if (column.in_csv) keys.push_back(column.key);
    std::string out = fmt::format("{}\n", fmt::join(keys, ","));
    for (const auto& row : rows_) {
        std::vector<std::string> fields;
        for (size_t c = 0; c < columns_.size(); ++c)
            if (columns_[c].in_csv) fields.push_back(row[c].csv);
        out += fmt::format("{}\n", fmt::join(fields, ","));
    }
    return out;
}

std::vector<std::string> Table::json_objects() const {
    std::vector<std::string> objects;
    for (const auto& row : rows_) {
        std::vector<std::string> fields;
        for (size_t c = 0; c < columns_.size(); ++c)
            if (columns_[c].in_json) fields.push_back(json_field(columns_[c].key, row[c].json));
        objects.push_back(fmt::format("{{{}}}", fmt::join(fields, ", ")));
    }
    return objects;
}

std::string json_field(const std::string& key, const std::string& json_value) {
    return fmt::format("\"{}\": {}", key, json_value);
}

}  // namespace report
