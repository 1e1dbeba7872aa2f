// `sparse-llm bench model` sweeps: one row per attention, thread count, depth and test in that order, KV bytes
// that follow the sequence (and stop at the budget), every output form parsing to the same rows, the plot,
// and usage errors.
#include <catch2/catch.hpp>

#include <fstream>
#include <iterator>
#include <sstream>
#include <string>
#include <vector>

#include "kernels/common/isa.h"
#include "support/cli_runner.h"
#include "support/json_reader.h"
#include "support/shared_data.h"
#include "support/temp_dir.h"
#include "support/xml_check.h"

namespace {

std::string stories() { return test::shared_path("models/stories260K.gguf"); }

std::vector<std::string> sweep(std::initializer_list<std::string> more) {
    std::vector<std::string> args{"bench", "model", stories(), "-p", "8", "-n", "4", "-r", "2", "-d", "0,32"};
    args.insert(args.end(), more);
    return args;
}

std::vector<std::string> split(const std::string& line, char sep) {
    std::vector<std::string> parts;
    std::stringstream in(line);
    for (std::string part; std::getline(in, part, sep);) parts.push_back(part);
    return parts;
}

}  // namespace

TEST_CASE("bench model sweep: a row per attention, threads, depth and test, llama-bench fields", "[bench][cli]") {
    SKIP_WITHOUT_SHARED();
    const test::CliResult r = test::run_cli(sweep({"--attention", "dense,sparse", "-t", "1,2", "-o", "json"}));
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    const auto rows = test::json::parse(r.out);
    REQUIRE(rows.size() == 16);
    size_t i = 0;
    for (const char* attention : {"dense", "sparse"})
        for (int threads : {1, 2})
            for (int depth : {0, 32})
                for (const char* test : {"pp8", "tg4"}) {
                    const auto& row = rows[i++];
                    CHECK(row["attention"].as_string() == attention);
                    CHECK(row["n_threads"].as_int() == threads);
                    CHECK(row["isa"].as_string() == kernels::isa_name(kernels::active_isa()));
                    CHECK(row["n_depth"].as_int() == depth);
                    CHECK(row["test"].as_string() == (depth ? std::string(test) + " @ d32" : std::string(test)));
                    for (const char* key : {"model_type", "model_size", "model_n_params", "n_batch", "type_k", "type_v",
                                            "test_time", "avg_ns", "stddev_ns", "avg_ts", "stddev_ts", "kv_bytes"})
                        CHECK(row.contains(key));
                    CHECK(row["samples_ns"].size() == 2);  // the warm-up run is not among them
                    CHECK(row["model_n_params"].as_uint() > 0);
                }
    // The cache holds depth + test tokens, the same for every attention and thread count.
    CHECK(rows[0]["kv_bytes"].as_uint() < rows[2]["kv_bytes"].as_uint());  // pp8 < pp8 @ d32
    CHECK(rows[1]["kv_bytes"].as_uint() < rows[0]["kv_bytes"].as_uint());  // tg4 < pp8
    for (size_t k = 4; k < 16; ++k) CHECK(rows[k]["kv_bytes"].as_uint() == rows[k % 4]["kv_bytes"].as_uint());
}

TEST_CASE("bench model sweep: with a KV budget the cache stops growing", "[bench][cli]") {
    SKIP_WITHOUT_SHARED();
    const test::CliResult r = test::run_cli({"bench", "model", stories(), "-p", "0", "-n", "4", "-r", "1", "-d",
                                             "16,100,200", "--window", "8", "--kv-budget", "40", "-o", "jsonl"});
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    std::vector<test::json::Value> rows;
    std::istringstream lines(r.out);
    for (std::string line; std::getline(lines, line);) rows.push_back(test::json::parse(line));
    REQUIRE(rows.size() == 3);
    CHECK(rows[0]["kv_bytes"].as_uint() < rows[1]["kv_bytes"].as_uint());   // 20 slots < 40
    CHECK(rows[1]["kv_bytes"].as_uint() == rows[2]["kv_bytes"].as_uint());  // both at the budget
    CHECK(rows[2]["kv_budget"].as_int() == 40);
}

TEST_CASE("bench model sweep: CSV and Markdown carry the same rows, results alone on stdout", "[bench][cli]") {
    SKIP_WITHOUT_SHARED();
    const test::CliResult csv = test::run_cli(sweep({"-t", "1", "-o", "csv"}));
    REQUIRE(csv.exit_code == 0);
    std::istringstream lines(csv.out);
    std::string header;
    std::getline(lines, header);
    const auto fields = split(header, ',');
    CHECK(std::find(fields.begin(), fields.end(), "avg_ts") != fields.end());
    CHECK(std::find(fields.begin(), fields.end(), "samples_ns") == fields.end());
    size_t n = 0;
    for (std::string line; std::getline(lines, line); ++n) CHECK(split(line, ',').size() == fields.size());
    CHECK(n == 4);

    const test::CliResult md = test::run_cli(sweep({"-t", "1"}));
    REQUIRE(md.exit_code == 0);
    CHECK_THAT(md.out, Catch::StartsWith("| model | size | params | attention | threads | isa | test | t/s | peak RSS | KV |\n"));
    CHECK_THAT(md.out, Catch::Contains(std::string("| sparse | 1 | ") + kernels::isa_name(kernels::active_isa()) +
                                       " | tg4 @ d32 | ") &&
                           Catch::Contains(" ± "));
    CHECK(std::count(md.out.begin(), md.out.end(), '\n') == 2 + 4);
}

TEST_CASE("bench model sweep: --plot draws one line per attention and test", "[bench][cli][svg]") {
    SKIP_WITHOUT_SHARED();
    test::TempDir dir;
    const test::CliResult r = test::run_cli(sweep({"-t", "1", "--attention", "dense,sparse,gated", "--plot", dir.file("m.svg")}));
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    std::ifstream in(dir.file("m.svg"));
    const test::xml::Element svg = test::xml::parse(std::string(std::istreambuf_iterator<char>(in), {}));
    CHECK(svg.find_all("path").size() == 6);    // 3 attentions x (pp8, tg4)
    CHECK(svg.find_all("circle").size() == 12); // and 2 depths each
}

TEST_CASE("bench model sweep: bad arguments are usage errors, a bad model one error line", "[bench][cli]") {
    for (const std::vector<std::string>& args :
         {std::vector<std::string>{"bench", "model"}, std::vector<std::string>{"bench", "model", "m.gguf", "-o", "xml"},
          std::vector<std::string>{"bench", "model", "m.gguf", "--attention", "sparse,h2o"},
          std::vector<std::string>{"bench", "model", "m.gguf", "-t", "1,0"},
          std::vector<std::string>{"bench", "model", "m.gguf", "-d", "0,-512"},
          std::vector<std::string>{"bench", "model", "m.gguf", "-r", "0"}}) {
        const test::CliResult r = test::run_cli(args);
        INFO(r.err);
        CHECK(r.exit_code == 2);
        CHECK(r.out.empty());
    }
    const test::CliResult missing = test::run_cli({"bench", "model", "/nonexistent/m.gguf"});
    CHECK(missing.exit_code == 1);
    CHECK(missing.out.empty());
    CHECK_THAT(missing.err, Catch::StartsWith("error: ") && Catch::Contains("/nonexistent/m.gguf"));
    SKIP_WITHOUT_SHARED();
    const test::CliResult no_test = test::run_cli({"bench", "model", stories(), "-p", "0", "-n", "0"});
    CHECK(no_test.exit_code == 1);
    CHECK_THAT(no_test.err, Catch::Contains("no test"));
}

TEST_CASE("bench model sweep: an empty or unwritable --plot is refused before the model runs", "[bench][cli][svg]") {
    test::check_usage_error({"bench", "model", "m.gguf", "--plot", ""}, "--plot: must not be empty");
    test::check_usage_error({"bench", "model", "m.gguf", "-p", "-1"}, "--n-prompt: Value -1 not in range 0 to 16777216");
    SKIP_WITHOUT_SHARED();
    test::check_one_line_error({"bench", "model", stories(), "--plot", "/nonexistent/dir/plot.svg"},
                               "/nonexistent/dir/plot.svg: cannot create: No such file or directory");
}
