// `sparse-llm bench matvec`: the report's shape (not its speed: speed is not for unit tests).
#include <catch2/catch.hpp>

#include "support/cli_runner.h"
#include "support/json_reader.h"
#include "support/shared_data.h"

#include "kernels/common/isa.h"
#include "kernels/matmul/gemm_kernels.h"

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

namespace {

const std::vector<std::string> kJsonArgs{"bench", "matvec", "--types", "q4_0,q4_K", "-t", "1", "-n", "1,3", "-r", "1",
                                         "--cold-mb", "2", "-o", "json"};

// The set whose kernel multiplies `type` on this CPU (the CLI runs on the same one, emulated or not).
std::string serving_set(const std::string& type) {
    const gguf::GgmlType t = type == "q4_0" ? gguf::GgmlType::Q4_0 : gguf::GgmlType::Q4_K;
    return kernels::isa_name(kernels::isa_serving(kernels::gemm_kernels(t)->rows, kernels::active_isa()));
}

}  // namespace

TEST_CASE("bench matvec: json report with bandwidth, every shape the type holds, and each batch size", "[bench]") {
    const auto result = test::run_cli(kJsonArgs);
    REQUIRE(result.exit_code == 0);
    const auto report = test::json::parse(result.out);
    REQUIRE(report["bandwidth"].size() == 1);
    CHECK(report["bandwidth"][0]["gb_per_s"].as_float() > 0.0);
    const auto& results = report["results"];
    REQUIRE(results.size() == 5);  // q4_0 at the 4 shapes; q4_K only where a row is whole 256-blocks (ffn_down)
    for (size_t i = 0; i < results.size(); ++i) {
        const auto& r = results[i];
        CHECK(r["threads"].as_float() == 1.0);
        CHECK(r["kernel"].as_string() == serving_set(r["type"].as_string()));
        CHECK(r["matvec_us"].as_float() > 0.0);
        CHECK(r["weight_bytes"].as_float() > 0.0);
        REQUIRE(r["matmul"].size() == 2);
        CHECK(r["matmul"][1]["tokens"].as_float() == 3.0);
        CHECK(r["matmul"][1]["gflops"].as_float() > 0.0);
    }
    CHECK(results[4]["type"].as_string() == "q4_K");
    CHECK(results[4]["cols"].as_float() == 1536.0);
    CHECK(report["skipped"].size() == 3);
}

TEST_CASE("bench matvec: the report names the set forced by SPARSE_LLM_ISA", "[bench]") {
    const auto result = test::run_cli_with_env({"SPARSE_LLM_ISA=scalar"}, kJsonArgs);
    REQUIRE(result.exit_code == 0);
    const auto report = test::json::parse(result.out);
    const auto& results = report["results"];
    REQUIRE(results.size() == 5);
    for (size_t i = 0; i < results.size(); ++i) CHECK(results[i]["kernel"].as_string() == "scalar");
}

TEST_CASE("bench matvec: Markdown has the bandwidth above the table, CSV a column per batch size", "[bench]") {
    const std::vector<std::string> args{"bench", "matvec", "--types", "q4_K", "-t", "1", "-n", "1,3", "-r", "1",
                                        "--cold-mb", "2"};
    const auto md = test::run_cli(args);
    REQUIRE(md.exit_code == 0);
    CHECK_THAT(md.out, Catch::StartsWith("memory bandwidth (streaming read): ") &&
                           Catch::Contains("\n\n| type | kernel | matrix | rows x cols | MB | threads | matvec µs | "
                                           "matvec GB/s | matmul n=1 GFLOP/s | matmul n=3 GFLOP/s |\n") &&
                           Catch::Contains("| q4_K | ") && Catch::Contains(" | ffn_down | 576x1536 | 0.50 | 1 | ") &&
                           Catch::EndsWith("\n\nnot a whole number of blocks per row: q4_K 576x576, q4_K 1536x576, "
                                           "q4_K 49152x576\n"));
    std::vector<std::string> csv_args = args;
    csv_args.insert(csv_args.end(), {"-o", "csv"});
    const auto csv = test::run_cli(csv_args);
    REQUIRE(csv.exit_code == 0);
    CHECK_THAT(csv.out, Catch::StartsWith("type,kernel,matrix,rows,cols,weight_bytes,threads,matvec_us,"
                                          "matvec_gb_per_s,matmul_n1_gflops,matmul_n3_gflops\nq4_K,"));
    CHECK(std::count(csv.out.begin(), csv.out.end(), '\n') == 2);
}

TEST_CASE("bench matvec: an unknown or unsupported type is one error line, exit 1", "[bench]") {
    auto result = test::run_cli({"bench", "matvec", "--types", "q9_9"});
    CHECK(result.exit_code == 1);
    CHECK(result.err == "error: bench matvec: unknown type 'q9_9'\n");
    result = test::run_cli({"bench", "matvec", "--types", "iq4_nl"});
    CHECK(result.exit_code == 1);
    CHECK(result.err == "error: bench matvec: no kernel for type iq4_nl\n");
}

TEST_CASE("bench matvec: --model with --types or --cold-mb is a usage error, not a flag ignored", "[bench]") {
    test::check_usage_error({"bench", "matvec", "-m", "m.gguf", "--types", "q4_0"}, "--types");
    test::check_usage_error({"bench", "matvec", "-m", "m.gguf", "--cold-mb", "16"}, "--cold-mb");
    test::check_usage_error({"bench", "matvec", "-n", "0"}, "--tokens: Value 0 not in range 1 to 16777216");
}

TEST_CASE("bench matvec --model: every matrix a token passes through, decode and prefill figures, the streaming "
          "read of as many bytes", "[bench][shared]") {
    SKIP_WITHOUT_SHARED();
    // 2 layers x 7 projections + the output (output.weight, or token_embd when tied)
    for (const auto& [model, threads] : {std::pair<const char*, const char*>{"models/quant/tiny-Q4_K_M.gguf", "1"},
                                         {"models/quant/tied-Q4_0-pure.gguf", "2"}}) {
        INFO(model);
        const auto result = test::run_cli({"bench", "matvec", "-m", test::shared_path(model), "-t", threads, "-n", "4",
                                           "-r", "1", "-o", "json"});
        REQUIRE(result.exit_code == 0);
        const auto report = test::json::parse(result.out);
        CHECK(report["prefill_tokens"].as_float() == 4.0);
        REQUIRE(report["results"].size() == 1);
        const auto& r = report["results"][0];
        CHECK(r["threads"].as_float() == std::stod(threads));
        CHECK(r["matrices"].as_float() == 15.0);
        CHECK(r["weight_bytes"].as_float() > 0.0);
        CHECK(r["decode_ms"].as_float() > 0.0);
        CHECK(r["decode_gb_per_s"].as_float() ==
              Approx(r["weight_bytes"].as_float() / (r["decode_ms"].as_float() * 1e-3) / 1e9).epsilon(1e-3));
        CHECK(r["stream_gb_per_s"].as_float() > 0.0);  // the read of as many bytes, its limit
        CHECK(r["prefill_tok_per_s"].as_float() > 0.0);
    }
    const auto missing = test::run_cli({"bench", "matvec", "-m", "/nonexistent.gguf"});
    CHECK(missing.exit_code == 1);
    CHECK(missing.err.rfind("error: ", 0) == 0);
}
