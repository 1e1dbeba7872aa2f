// SVG plots: well-formed XML (checked by tests/support/xml_check.h, itself checked on broken documents), one path per
// series, names escaped, and points placed on a logarithmic x axis (and a linear or logarithmic y axis); the
// plot `bench attention --plot` writes.
#include <catch2/catch.hpp>

#include <fstream>
#include <iterator>
#include <sstream>
#include <string>
#include <vector>

#include "apps/report/report_error.h"
#include "apps/report/svg_plot.h"
#include "support/cli_runner.h"
#include "support/temp_dir.h"
#include "support/xml_check.h"

namespace {

// The vertices of a path "M x y L x y ...".
std::vector<std::pair<double, double>> vertices(const std::string& d) {
    std::istringstream in(d);
    std::vector<std::pair<double, double>> out;
    std::string command;
    double x = 0, y = 0;
    while (in >> command >> x >> y) out.emplace_back(x, y);
    return out;
}

report::SvgPlot three_series() {
    report::SvgPlot plot{"Per-token cost <ms> & more", "sequence length", "µs per token", false, {}};
    plot.series.push_back({"dense", {{128, 2.0}, {1024, 16.0}, {8192, 128.0}}});
    plot.series.push_back({"sparse \"w=128\"", {{8192, 9.0}, {128, 2.0}, {1024, 6.0}}});  // any order
    plot.series.push_back({"a<b & c", {{512, 4.0}}});
    return plot;
}

}  // namespace

TEST_CASE("xml check: accepts a small document and rejects broken ones", "[svg]") {
    const test::xml::Element e = test::xml::parse("<?xml version=\"1.0\"?>\n<a x=\"1 &amp; 2\"><!-- c --><b/>t &lt; u</a>\n");
    CHECK(e.name == "a");
    CHECK(e.attribute("x") == "1 & 2");
    CHECK(e.children.size() == 1);
    CHECK(e.text == "t < u");
    for (const char* broken : {"<a><b></a></b>", "<a x=1/>", "<a x=\"1\" x=\"2\"/>", "<a>&foo;</a>", "<a>1 < 2</a>",
                               "<a/><b/>", "<a>", "<a x=\"<\"/>", "text"})
        CHECK_THROWS_AS(test::xml::parse(broken), std::runtime_error);
}

TEST_CASE("svg plot: well-formed, one path per series, names escaped in the legend", "[svg]") {
    const std::string svg = report::render_svg(three_series());
    const test::xml::Element root = test::xml::parse(svg);
    CHECK(root.name == "svg");
    CHECK(root.attribute("xmlns") == "http://www.w3.org/2000/svg");
    CHECK(root.find_all("path").size() == 3);
    CHECK(root.find_all("circle").size() == 7);  // a marker per point
    std::vector<std::string> texts;
    for (const auto* t : root.find_all("text")) texts.push_back(t->text);
    for (const char* expected : {"dense", "sparse \"w=128\"", "a<b & c", "Per-token cost <ms> & more",
                                 "sequence length (log scale)", "µs per token", "128", "1024", "8192"})
        CHECK(std::find(texts.begin(), texts.end(), expected) != texts.end());
}

TEST_CASE("svg plot: x is logarithmic, y linear from 0 or logarithmic", "[svg]") {
    report::SvgPlot plot{"t", "x", "y", false, {{"s", {{10, 0.0}, {100, 5.0}, {1000, 10.0}}}}};
    auto path = [](const report::SvgPlot& p) {
        return vertices(test::xml::parse(report::render_svg(p)).find_all("path").at(0)->attribute("d"));
    };
    const auto v = path(plot);
    REQUIRE(v.size() == 3);
    CHECK(v[1].first - v[0].first == Approx(v[2].first - v[1].first).margin(0.02));  // decades equally wide
    CHECK(v[0].first < v[1].first);
    CHECK(v[1].second - v[0].second == Approx(v[2].second - v[1].second).margin(0.02));  // linear y
    CHECK(v[2].second < v[0].second);                                                    // larger is higher

    plot.log_y = true;
    plot.series[0].points = {{10, 1.0}, {100, 10.0}, {1000, 1000.0}, {5000, 0.0}};  // y = 0 cannot be drawn
    const auto w = path(plot);
    REQUIRE(w.size() == 3);
    CHECK(2 * (w[1].second - w[0].second) == Approx(w[2].second - w[1].second).margin(0.04));  // 1 vs 2 decades
}

TEST_CASE("svg plot: points that cannot be drawn are left out, nothing to draw is an error", "[svg]") {
    report::SvgPlot plot{"t", "x", "y", false, {{"kept", {{0, 1.0}, {-5, 1.0}, {64, 3.0}}}, {"empty", {{0, 2.0}}}}};
    const test::xml::Element root = test::xml::parse(report::render_svg(plot));
    CHECK(root.find_all("path").size() == 1);
    CHECK(root.find_all("circle").size() == 1);
    plot.series[0].points = {{0, 1.0}};
    CHECK_THROWS_AS(report::render_svg(plot), report::Error);
}

TEST_CASE("bench attention --plot: one path per backend, a point per length", "[svg][cli]") {
    test::TempDir dir;
    const std::string file = dir.file("attention.svg");
    const test::CliResult r = test::run_cli({"bench", "attention", "--seqs", "64,256", "--heads", "2", "--kv-heads", "1",
                                             "--dim", "8", "--runs", "1", "--backends", "dense,sparse,decode",
                                             "-o", "json", "--plot", file});
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    std::ifstream in(file);
    const std::string svg{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    const test::xml::Element root = test::xml::parse(svg);
    const auto paths = root.find_all("path");
    REQUIRE(paths.size() == 3);
    for (const auto* p : paths) CHECK(vertices(p->attribute("d")).size() == 2);
    CHECK(test::run_cli({"bench", "attention", "--seqs", "64", "--runs", "1", "--backends", "sparse", "--plot",
                         dir.file("no/such/dir.svg")}).exit_code == 1);
}
