// Every command on every model family (the tiny llama3, qwen2, phi2 and gemma models of ../shared's goldens):
// sparse attention with H2O eviction, deadlines, perplexity, bench, the summariser and the server run them as
// they run the llama family.
#include <catch2/catch.hpp>

#include <cmath>
#include <string>
#include <vector>

#include "apps/serve/serve_fixture.h"
#include "support/cli_runner.h"
#include "support/file_bytes.h"
#include "support/json_reader.h"
#include "support/shared_data.h"
#include "support/temp_dir.h"

namespace {

const std::vector<std::string> kFamilies{"llama3", "qwen2", "phi2", "gemma"};

std::string model(const std::string& family) {
    return (test::arch_models_dir() / ("tiny-" + family + "-Q4_0.gguf")).string();
}

std::vector<test::json::Value> json_lines(const std::string& out) {
    std::vector<test::json::Value> lines;
    for (size_t at = 0; at < out.size();) {
        const size_t end = out.find('\n', at);
        lines.push_back(test::json::parse(out.substr(at, end - at)));
        at = end == std::string::npos ? out.size() : end + 1;
    }
    return lines;
}

}  // namespace

TEST_CASE("families: run with sparse attention, H2O eviction and a degrading deadline", "[cli][arch]") {
    SKIP_WITHOUT_ARCH_MODELS();
    for (const std::string& family : kFamilies) {
        INFO(family);
        const test::CliResult evicting = test::run_cli({"run", model(family), "-p", "Hello", "-n", "48", "--ignore-eos",
                                                        "--temp", "0", "--window", "16", "--kv-budget", "32", "-t", "2"});
        REQUIRE(evicting.exit_code == 0);
        CHECK_THAT(evicting.err, Catch::Contains("generated: 48 tokens") && Catch::Contains("(32 of 32 slots") &&
                                     !Catch::Contains("evictions 0") && Catch::Contains("stop: n_predict"));
        // Every attempt misses a deadline of 1 µs: degrade halves the top-k from 32 to the floor, 7 misses.
        const test::CliResult degraded = test::run_cli({"run", model(family), "-p", "Hello", "-n", "12", "--ignore-eos",
                                                        "--temp", "0", "--deadline-ms", "0.001", "--on-deadline", "degrade"});
        REQUIRE(degraded.exit_code == 0);
        CHECK_THAT(degraded.err, Catch::Contains("deadline misses 7 (last at") &&
                                     Catch::Contains("degraded to gated top-k 0") && Catch::Contains("generated: 12 tokens"));
    }
}

TEST_CASE("families: perplexity, bench model and summarise", "[cli][arch]") {
    SKIP_WITHOUT_ARCH_MODELS();
    const test::TempDir dir;
    std::string text;
    for (int i = 0; i < 40; ++i) text += "The quick brown fox jumps over the lazy dog near the river bank. ";
    test::write_bytes(dir.file("text.txt"), text);
    for (const std::string& family : kFamilies) {
        INFO(family);
        const test::CliResult ppl = test::run_cli({"perplexity", model(family), "-f", dir.file("text.txt"), "-c", "128",
                                                   "--window", "32", "--kv-type", "f16", "-o", "json"});
        REQUIRE(ppl.exit_code == 0);
        const double value = test::json::parse(ppl.out)["ppl"].as_double();
        CHECK(std::isfinite(value));
        CHECK(value > 1.0);

        const test::CliResult bench = test::run_cli({"bench", "model", model(family), "-p", "16", "-n", "4", "-r", "1",
                                                     "-o", "jsonl"});
        REQUIRE(bench.exit_code == 0);
        const std::vector<test::json::Value> rows = json_lines(bench.out);
        REQUIRE(rows.size() == 2);  // pp16, tg4
        for (const test::json::Value& row : rows) CHECK(row["avg_ts"].as_double() > 0.0);

        const test::CliResult summary = test::run_cli({"summarise", model(family), "--jsonl", "--chunk-tokens", "48",
                                                       "--max-summary-tokens", "6", "-t", "1"}, text);
        REQUIRE(summary.exit_code == 0);
        const std::vector<test::json::Value> folds = json_lines(summary.out);
        REQUIRE(folds.size() >= 2);
        CHECK(folds.back().contains("final"));
        CHECK(folds.front()["generated_tokens"].as_int() >= 1);
    }
}

TEST_CASE("families: serve answers a completion and a chat for each", "[cli][arch][serve]") {
    SKIP_WITHOUT_ARCH_MODELS();
    for (const std::string& family : kFamilies) {
        INFO(family);
        test::TestServer server({model(family), "--host", "127.0.0.1", "-t", "1"});
        const test::CliResult completion =
            server.curl("/v1/completions", R"({"prompt":"Hello","max_tokens":6,"temperature":0})");
        REQUIRE(completion.exit_code == 0);
        const test::json::Value answer = test::json::parse(completion.out);
        CHECK(answer["usage"]["completion_tokens"].as_int() >= 1);
        const test::CliResult chat = server.curl(
            "/v1/chat/completions", R"({"messages":[{"role":"user","content":"Hi"}],"max_tokens":4,"temperature":0})");
        REQUIRE(chat.exit_code == 0);
        CHECK(test::json::parse(chat.out)["choices"][0]["message"].contains("content"));
    }
}
