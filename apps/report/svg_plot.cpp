#include "apps/report/svg_plot.h"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "apps/report/report_error.h"

namespace report {
namespace {

// Canvas and plot area, in SVG user units; the legend sits right of the plot.
constexpr double kWidth = 880, kHeight = 520;
constexpr double kLeft = 80, kRight = 220, kTop = 50, kBottom = 60;
constexpr double kPlotWidth = kWidth - kLeft - kRight, kPlotHeight = kHeight - kTop - kBottom;
constexpr size_t kMaxTicks = 12;
const char* const kColours[] = {"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd",
                                "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"};

std::string escape(const std::string& text) {
    std::string out;
    for (char c : text) {
        switch (c) {
            case '&': out += "&amp;"; break;
            case '<': out += "&lt;"; break;
            case '>': out += "&gt;"; break;
            case '"': out += "&quot;"; break;
            default: out += c;
        }
    }
    return out;
}

std::string coordinate(double v) { return fmt::format("{:.2f}", v); }

// One axis: where a value lands in [0, 1] and the values that get a labelled grid line.
struct Axis {
    double lo = 0, hi = 1;
    bool log = false;
    std::vector<double> ticks;

    double unit(double v) const {
        return log ? (std::log10(v) - std::log10(lo)) / (std::log10(hi) - std::log10(lo)) : (v - lo) / (hi - lo);
    }
};

// 1, 2 or 5 times a power of ten, at least `raw`.
double nice_step(double raw) {
    const double decade = std::pow(10.0, std::floor(std::log10(raw)));
    for (double m : {1.0, 2.0, 5.0})
        if (m * decade >= raw) return m * decade;
    return 10.0 * decade;
}

// 1-2-5 ticks of every decade in [lo, hi] (decades only when that gives too many).
std::vector<double> log_ticks(double lo, double hi) {
    std::vector<double> ticks;
    for (const auto& multiples : {std::vector<double>{1, 2, 5}, std::vector<double>{1}}) {
        ticks.clear();
        for (double decade = std::pow(10.0, std::floor(std::log10(lo))); decade <= hi * 1.000001; decade *= 10.0)
            for (double m : multiples)
                if (m * decade >= lo * 0.999999 && m * decade <= hi * 1.000001) ticks.push_back(m * decade);
        if (ticks.size() <= kMaxTicks) break;
    }
    return ticks;
}

// Log x over the points' range; ticks at the points' own x values when they are few (sweeps), else 1-2-5,
// leaving out any tick too close to the previous one for its label.
Axis x_axis(const std::vector<double>& xs) {
    constexpr double kMinTickGap = 48;  // user units between labelled x ticks
    Axis a;
    a.log = true;
    a.lo = xs.front();
    a.hi = xs.back();
    if (a.lo == a.hi) {
        a.lo /= 2;
        a.hi *= 2;
    }
    for (double t : xs.size() <= kMaxTicks ? xs : log_ticks(a.lo, a.hi))
        if (a.ticks.empty() || (a.unit(t) - a.unit(a.ticks.back())) * kPlotWidth >= kMinTickGap) a.ticks.push_back(t);
    return a;
}

Axis y_axis(const std::vector<double>& ys, bool log) {
    Axis a;
    a.log = log;
    if (log) {
        a.lo = std::pow(10.0, std::floor(std::log10(ys.front())));
        a.hi = std::pow(10.0, std::ceil(std::log10(ys.back())));
        if (a.hi <= a.lo) a.hi = a.lo * 10.0;
        a.ticks = log_ticks(a.lo, a.hi);
        return a;
    }
    const double top = ys.back() > 0 ? ys.back() : 1.0;
    const double step = nice_step(top / 5.0);
    a.lo = 0.0;
    a.hi = std::ceil(top / step - 1e-9) * step;
    for (double t = 0.0; t <= a.hi + step / 2; t += step) a.ticks.push_back(t);
    return a;
}

std::vector<double> sorted_unique(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    v.erase(std::unique(v.begin(), v.end()), v.end());
    return v;
}

}  // namespace

std::string render_svg(const SvgPlot& plot) {
    // The drawable points of each series, by x.
    std::vector<PlotSeries> drawn;
    std::vector<double> xs, ys;
    for (const PlotSeries& s : plot.series) {
        PlotSeries kept{s.name, {}};
        for (const auto& [x, y] : s.points)
            if (x > 0 && std::isfinite(x) && std::isfinite(y) && (!plot.log_y || y > 0)) {
                kept.points.emplace_back(x, y);
                xs.push_back(x);
                ys.push_back(y);
            }
        std::sort(kept.points.begin(), kept.points.end());
        if (!kept.points.empty()) drawn.push_back(std::move(kept));
    }
    if (drawn.empty()) throw Error(fmt::format("plot '{}': no point to draw", plot.title));
    const Axis x = x_axis(sorted_unique(xs)), y = y_axis(sorted_unique(ys), plot.log_y);
    const auto px = [&](double v) { return kLeft + x.unit(v) * kPlotWidth; };
    const auto py = [&](double v) { return kTop + (1.0 - y.unit(v)) * kPlotHeight; };

    std::string svg = fmt::format(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{0}\" height=\"{1}\" viewBox=\"0 0 {0} {1}\" "
        "font-family=\"sans-serif\" font-size=\"12\">\n"
        "<rect x=\"0\" y=\"0\" width=\"{0}\" height=\"{1}\" fill=\"white\"/>\n"
        "<text x=\"{2}\" y=\"28\" text-anchor=\"middle\" font-size=\"16\">{3}</text>\n",
        kWidth, kHeight, coordinate(kLeft + kPlotWidth / 2), escape(plot.title));
    // Grid lines with their labels, then the axes and their names.
    for (double t : x.ticks)
        svg += fmt::format("<line x1=\"{0}\" y1=\"{1}\" x2=\"{0}\" y2=\"{2}\" stroke=\"#dddddd\"/>"
                           "<text x=\"{0}\" y=\"{3}\" text-anchor=\"middle\">{4:g}</text>\n",
                           coordinate(px(t)), coordinate(kTop), coordinate(kTop + kPlotHeight),
                           coordinate(kTop + kPlotHeight + 18), t);
    for (double t : y.ticks)
        svg += fmt::format("<line x1=\"{0}\" y1=\"{1}\" x2=\"{2}\" y2=\"{1}\" stroke=\"#dddddd\"/>"
                           "<text x=\"{3}\" y=\"{4}\" text-anchor=\"end\">{5:g}</text>\n",
                           coordinate(kLeft), coordinate(py(t)), coordinate(kLeft + kPlotWidth), coordinate(kLeft - 6),
                           coordinate(py(t) + 4), t);
    svg += fmt::format("<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"none\" stroke=\"black\"/>\n", kLeft,
                       kTop, kPlotWidth, kPlotHeight);
    svg += fmt::format("<text x=\"{}\" y=\"{}\" text-anchor=\"middle\">{} (log scale)</text>\n",
                       coordinate(kLeft + kPlotWidth / 2), coordinate(kHeight - 18), escape(plot.x_label));
    svg += fmt::format("<text x=\"18\" y=\"{0}\" text-anchor=\"middle\" transform=\"rotate(-90 18 {0})\">{1}{2}</text>\n",
                       coordinate(kTop + kPlotHeight / 2), escape(plot.y_label), plot.log_y ? " (log scale)" : "");
    // One path per series, a marker per point, and its legend entry.
    for (size_t i = 0; i < drawn.size(); ++i) {
        const PlotSeries& s = drawn[i];
        const char* colour = kColours[i % std::size(kColours)];
        std::string d;
        for (const auto& [vx, vy] : s.points)
            d += fmt::format("{} {} {}", d.empty() ? "M" : " L", coordinate(px(vx)), coordinate(py(vy)));
        svg += fmt::format("<path d=\"{}\" fill=\"none\" stroke=\"{}\" stroke-width=\"2\"/>\n", d, colour);
        for (const auto& [vx, vy] : s.points)
            svg += fmt::format("<circle cx=\"{}\" cy=\"{}\" r=\"3\" fill=\"{}\"/>\n", coordinate(px(vx)), coordinate(py(vy)), colour);
        const double ly = kTop + 10 + 20 * static_cast<double>(i), lx = kLeft + kPlotWidth + 16;
        svg += fmt::format("<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"{}\" stroke-width=\"2\"/>"
                           "<text x=\"{}\" y=\"{}\">{}</text>\n",
                           lx, ly, lx + 24, ly, colour, lx + 30, ly + 4, escape(s.name));
    }
    svg += "</svg>\n";
    return svg;
}

}  // namespace report
