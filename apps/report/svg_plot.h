// Line charts as self-contained SVG (no scripts, fonts or external files; any browser shows them), for the
// benchmarks' --plot: cost against sequence length on a logarithmic x axis, one line per series.
//
//   report::SvgPlot plot{"Attention per token", "sequence length", "µs per token"};
//   plot.series.push_back({"dense", {{128, 1.5}, {1024, 11.0}}});
//   report::write_text_file("attention.svg", report::render_svg(plot));   // apps/report/text_file.h
//
// Every series with points is drawn as one <path> (with a marker per point) and named in the legend. x must be
// positive (points with x <= 0 are left out); y is linear from 0, or logarithmic with log_y (y <= 0 left out).
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace report {

struct PlotSeries {
    std::string name;
    std::vector<std::pair<double, double>> points;  // (x, y)
};

struct SvgPlot {
    std::string title;
    std::string x_label;
    std::string y_label;
    bool log_y = false;
    std::vector<PlotSeries> series;
};

// Throws report::Error when no series has a point that can be drawn.
std::string render_svg(const SvgPlot& plot);

}  // namespace report
