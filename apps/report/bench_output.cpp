#include "apps/report/bench_output.h"

#include <fmt/format.h>

#include "apps/report/report_error.h"

namespace report {

const std::vector<std::string>& output_formats() {
    static const std::vector<std::string> formats{"md", "csv", "json", "jsonl"};
    return formats;
}

std::string BenchOutput::format(const std::string& format) const {
    if (format == "md") return markdown();
    if (format == "csv") return table.csv();
    if (format == "json") return json();
    if (format == "jsonl") {
        std::string out;
        for (const std::string& object : table.json_objects()) out += object + "\n";
        return out;
    }
    throw Error(fmt::format("unknown output format '{}' ({})", format, fmt::join(output_formats(), ", ")));
}

std::string BenchOutput::markdown() const {
    std::string out = title.empty() ? "" : title + "\n\n";
    out += md_by_field ? table.markdown_by_field() : table.markdown();
    return footnote.empty() ? out : out + "\n" + footnote + "\n";
}

std::string BenchOutput::json() const {
    std::string rows = "[";
    const std::vector<std::string> objects = table.json_objects();
    for (size_t i = 0; i < objects.size(); ++i) rows += (i ? ",\n  " : "\n  ") + objects[i];
    rows += "\n]";
    if (summary.empty()) return rows + "\n";
    std::string out = "{";
    for (const auto& [key, cell] : summary) out += json_field(key, cell.json) + ", ";
    return out + json_field(rows_key, rows) + "}\n";
}

}  // namespace report
