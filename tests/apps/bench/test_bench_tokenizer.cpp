// The tokenizer benchmark's text and report (speed itself is shown by running the bench, not tested).
#include <catch2/catch.hpp>

#include "apps/bench/bench_tokenizer.h"
#include "support/cli_runner.h"
#include "support/json_reader.h"
#include "support/shared_data.h"
#include "tokenizer/unicode.h"

TEST_CASE("bench tokenizer: the mixed text is valid UTF-8, of the asked size, the same for a seed",
          "[bench][tokenizer]") {
    const std::string text = bench::mixed_text(100000, 7);
    CHECK(text.size() >= 100000);
    CHECK(text.size() < 100000 + 1000);
    CHECK(tokenizer::sanitize_utf8(text) == text);
    CHECK(text == bench::mixed_text(100000, 7));
    CHECK(text != bench::mixed_text(100000, 8));
    for (const char* part : {"The ", "for (int i", "\xE3\x80\x82", "\n"}) CHECK(text.find(part) != std::string::npos);
}

TEST_CASE("bench tokenizer: runs on a model and reports every figure", "[bench][tokenizer][cli]") {
    SKIP_WITHOUT_SHARED();
    const auto r = test::run_cli(
        {"bench", "tokenizer", test::shared_path("models/quant/bpe-smollm-Q8_0.gguf"), "--mb", "0.05", "-r", "1"});
    CHECK(r.exit_code == 0);
    for (const char* line : {"gpt2 / smollm, 49152 tokens", "| encode |", "| decode |", "without a space"})
        CHECK(r.out.find(line) != std::string::npos);
}

TEST_CASE("bench tokenizer: JSON carries every figure as a number", "[bench][tokenizer][cli]") {
    SKIP_WITHOUT_SHARED();
    const auto r = test::run_cli({"bench", "tokenizer", test::shared_path("models/quant/bpe-smollm-Q8_0.gguf"), "--mb",
                                  "0.05", "-r", "1", "-o", "json"});
    REQUIRE(r.exit_code == 0);
    const auto rows = test::json::parse(r.out);
    REQUIRE(rows.size() == 1);
    const auto& row = rows[0];
    CHECK(row["tokenizer"].as_string() == "gpt2 / smollm");
    CHECK(row["n_vocab"].as_uint() == 49152);
    CHECK(row["text_bytes"].as_uint() >= 52428);
    CHECK(row["n_tokens"].as_uint() > 0);
    for (const char* key : {"load_ms", "encode_mb_per_s", "encode_tokens_per_s", "decode_mb_per_s", "no_space_ms"})
        CHECK(row[key].as_double() > 0);
}

TEST_CASE("bench tokenizer: a negative seed or a size that is not a number is a usage error", "[bench][tokenizer][cli]") {
    test::check_usage_error({"bench", "tokenizer", "m.gguf", "--seed", "-1"}, "--seed: Value -1 not in range 0 to");
    for (const char* mb : {"nan", "inf", "0", "2000"})
        test::check_usage_error({"bench", "tokenizer", "m.gguf", "--mb", mb},
                                std::string("--mb: Value ") + mb + " not in range 0.01 to 1024");
}
