// `sparse-llm bench attention` as a user runs it: the JSON fields, edge counts against the spec's table,
// the CSV/Markdown forms, and bad flags.
#include <catch2/catch.hpp>

#include "support/cli_runner.h"
#include "support/json_reader.h"

namespace {

const std::vector<std::string> kSmall = {"bench", "attention", "--seqs", "512",  "--heads", "2",
                                         "--kv-heads", "1", "--dim", "8", "--runs", "1"};

std::vector<std::string> with(std::vector<std::string> args, std::initializer_list<std::string> more) {
    args.insert(args.end(), more);
    return args;
}

}  // namespace

TEST_CASE("bench attention: JSON rows carry every field, and edges match spec 9.3", "[bench][cli]") {
    const auto result = test::run_cli(with(kSmall, {"--backends", "sparse,dense,gqa,decode,decode-dense", "-o", "json"}));
    INFO(result.err);
    REQUIRE(result.exit_code == 0);
    const auto rows = test::json::parse(result.out);
    REQUIRE(rows.size() == 5);
    double dense_us = 0.0, sparse_us = 0.0, sparse_speedup = 0.0;
    for (const auto& row : rows.items()) {
        for (const char* key : {"backend", "seq", "heads", "kv_heads", "dim", "window", "block", "threads", "ms",
                                "per_token_us", "edges", "speedup_vs_dense", "peak_rss_mb"})
            REQUIRE(row.contains(key));
        CHECK(row.members().size() == 13);
        CHECK(row["seq"].as_uint() == 512);
        CHECK(row["per_token_us"].as_double() > 0.0);
        CHECK(row["peak_rss_mb"].as_double() > 0.0);
        const std::string backend = row["backend"].as_string();
        if (backend == "dense") {
            CHECK(row["edges"].as_uint() == 131328);  // 512 * 513 / 2
            dense_us = row["per_token_us"].as_double();
        } else if (backend == "sparse") {
            CHECK(row["edges"].as_uint() == 59778);  // spec §9.3, default window 128 / block 64
            sparse_us = row["per_token_us"].as_double();
            sparse_speedup = row["speedup_vs_dense"].as_double();
        } else if (backend == "gqa") {
            CHECK(row["kv_heads"].as_uint() == 1);
        } else if (backend == "decode") {
            CHECK(row["edges"].as_uint() == 131 + 4);  // last position of a 512-token cache (spec 3.7)
            CHECK(row["speedup_vs_dense"].is_number());
        } else {
            CHECK(backend == "decode-dense");
            CHECK(row["edges"].as_uint() == 512);
        }
    }
    CHECK(sparse_speedup == Approx(dense_us / sparse_us).epsilon(1e-3));
}

TEST_CASE("bench attention: CSV and Markdown forms, and dense beyond --dense-max is skipped", "[bench][cli]") {
    const auto csv = test::run_cli(with(kSmall, {"--backends", "dense,sparse", "--dense-max", "256", "-o", "csv"}));
    REQUIRE(csv.exit_code == 0);
    CHECK(csv.out.rfind("backend,seq,heads,kv_heads,dim,window,block,threads,ms,per_token_us,edges,speedup_vs_dense,"
                        "peak_rss_mb\n", 0) == 0);
    CHECK(csv.out.find("\nsparse,512,2,2,8,128,64,1,") != std::string::npos);
    CHECK(csv.out.find("\ndense,") == std::string::npos);

    const auto md = test::run_cli(with(kSmall, {"--backends", "flash", "--clock", "cpu"}));
    REQUIRE(md.exit_code == 0);
    CHECK(md.out.rfind("| backend | seq |", 0) == 0);
    CHECK(md.out.find("| flash | 512 |") != std::string::npos);
}

TEST_CASE("bench attention: bad flags fail with one clear line", "[bench][cli]") {
    const auto unknown = test::run_cli(with(kSmall, {"--backends", "sparse,warp"}));
    CHECK(unknown.exit_code == 1);
    CHECK(unknown.err.find("error: unknown backend 'warp'") != std::string::npos);
    const auto ratio = test::run_cli({"bench", "attention", "--seqs", "64", "--heads", "2", "--kv-heads", "3"});
    CHECK(ratio.exit_code == 1);
    CHECK(ratio.err.find("must be a positive multiple of --kv-heads") != std::string::npos);
    const auto cpu_threads = test::run_cli({"bench", "attention", "--seqs", "64", "--clock", "cpu", "-t", "2"});
    CHECK(cpu_threads.exit_code == 1);
    CHECK(cpu_threads.err.find("--clock cpu") != std::string::npos);
    CHECK(test::run_cli(with(kSmall, {"-o", "xml"})).exit_code == 2);
    CHECK(test::run_cli(with(kSmall, {"--seqs", "abc"})).exit_code == 2);
}

TEST_CASE("bench attention: negative and huge sizes are usage errors naming the flag", "[bench][cli]") {
    for (const char* flag : {"--window", "--block", "--seqs"})
        test::check_usage_error(with(kSmall, {flag, "-1"}), std::string(flag) + ": Value -1 not in range 1 to 16777216");
    for (const char* flag : {"--tile", "--dense-max"})
        test::check_usage_error(with(kSmall, {flag, "-1"}), std::string(flag) + ": Value -1 not in range 0 to 16777216");
    test::check_usage_error(with(kSmall, {"-t", "0"}), "--threads: Value 0 not in range 1 to 1024");
    test::check_usage_error(with(kSmall, {"--heads", "4294967297"}), "--heads: Value 4294967297 not in range 1 to 1024");
    test::check_usage_error(with(kSmall, {"--plot", ""}), "--plot: must not be empty");
}

TEST_CASE("bench attention: a bad option or plot path is the only line on stderr, before anything runs", "[bench][cli]") {
    test::check_one_line_error(with(kSmall, {"--backends", "warp"}), "unknown backend 'warp'");
    test::check_one_line_error(with(kSmall, {"--plot", "/nonexistent/dir/plot.svg"}),
                               "/nonexistent/dir/plot.svg: cannot create: No such file or directory");
}
