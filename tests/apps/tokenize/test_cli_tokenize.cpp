// `sparse-llm tokenize` / `detokenize` as a user runs them.
#include <catch2/catch.hpp>

#include <filesystem>
#include <set>
#include <string>

#include "support/cli_runner.h"
#include "support/file_bytes.h"
#include "support/shared_data.h"
#include "support/temp_dir.h"
#include "support/vocab_vectors.h"

namespace {

std::string ids_line(const std::vector<int32_t>& ids) {
    std::string line;
    for (size_t i = 0; i < ids.size(); ++i) line += (i ? " " : "") + std::to_string(ids[i]);
    return line + "\n";
}

// The sanitizer build runs every 8th case: the CLI loads the vocabulary once per case.
#if defined(SPARSE_LLM_ASAN)
constexpr size_t kCaseStride = 8;
#else
constexpr size_t kCaseStride = 1;
#endif

// Every case of one vocabulary's test vectors through `tokenize --file F --ids --no-bos`.
void check_vectors_through_cli(const std::string& name) {
    const auto cases = test::read_vocab_vectors(name);
    const test::TempDir dir;
    const std::string file = dir.file("case.txt");
    for (size_t i = 0; i < cases.size(); i += kCaseStride) {
        INFO(name << " case " << i << ": '" << cases[i].text << "'");
        test::write_bytes(file, cases[i].text);
        const auto r = test::run_cli({"tokenize", test::vocab_path(name), "--file", file, "--ids", "--no-bos"});
        CHECK(r.exit_code == 0);
        CHECK(r.out == ids_line(cases[i].ids));
    }
}

}  // namespace

// One test case per vocabulary, so that ctest runs them in parallel.
TEST_CASE("cli tokenize: test vectors through --file: gpt-2", "[cli][tokenizer]") {
    SKIP_WITHOUT_SHARED();
    check_vectors_through_cli("gpt-2");
}
TEST_CASE("cli tokenize: test vectors through --file: starcoder", "[cli][tokenizer]") {
    SKIP_WITHOUT_SHARED();
    check_vectors_through_cli("starcoder");
}
TEST_CASE("cli tokenize: test vectors through --file: refact", "[cli][tokenizer]") {
    SKIP_WITHOUT_SHARED();
    check_vectors_through_cli("refact");
}
TEST_CASE("cli tokenize: test vectors through --file: mpt", "[cli][tokenizer]") {
    SKIP_WITHOUT_SHARED();
    check_vectors_through_cli("mpt");
}
TEST_CASE("cli tokenize: test vectors through --file: deepseek-coder", "[cli][tokenizer]") {
    SKIP_WITHOUT_SHARED();
    check_vectors_through_cli("deepseek-coder");
}
TEST_CASE("cli tokenize: test vectors through --file: llama-spm and phi-3", "[cli][tokenizer]") {
    SKIP_WITHOUT_SHARED();
    check_vectors_through_cli("llama-spm");
    check_vectors_through_cli("phi-3");
}
TEST_CASE("cli tokenize: the test vectors cover every vocabulary in ../shared", "[cli][tokenizer]") {
    SKIP_WITHOUT_SHARED();
    const std::string prefix = "ggml-vocab-", suffix = ".gguf.inp";
    std::set<std::string> in_shared;
    for (const std::string& path : test::shared_files({"models/vocab"}, suffix)) {
        const std::string name = std::filesystem::path(path).filename().string();
        REQUIRE(name.rfind(prefix, 0) == 0);
        in_shared.insert(name.substr(prefix.size(), name.size() - prefix.size() - suffix.size()));
    }
    CHECK(std::set<std::string>(test::vocab_names().begin(), test::vocab_names().end()) == in_shared);
}

TEST_CASE("cli tokenize: --file reads bytes exactly, --prompt takes the text, BOS as the model says",
          "[cli][tokenizer]") {
    SKIP_WITHOUT_SHARED();
    const std::string model = test::shared_path("models/stories260K.gguf");
    const test::TempDir dir;
    const std::string file = dir.file("once.txt");
    test::write_bytes(file, "Once upon a time\n");
    // The file's final newline is a token (<0x0A> = 13); the prompt has none. stories260K adds BOS (1).
    const auto from_file = test::run_cli({"tokenize", model, "--file", file, "--ids"});
    const auto from_prompt = test::run_cli({"tokenize", model, "--prompt", "Once upon a time", "--ids"});
    REQUIRE(from_prompt.exit_code == 0);
    CHECK(from_prompt.out == "1 403 407 261 378\n");  // the golden's prompt_tokens
    CHECK(from_file.out == "1 403 407 261 378 13\n");
    const auto pairs = test::run_cli({"tokenize", model, "-p", "Once\n", "--no-bos"});
    CHECK(pairs.out == "    403 ' Once'\n     13 '\\n'\n");
}

TEST_CASE("cli tokenize: special text is parsed only with --special", "[cli][tokenizer]") {
    SKIP_WITHOUT_SHARED();
    const std::string model = test::vocab_path("starcoder");
    CHECK(test::run_cli({"tokenize", model, "-p", "<fim_prefix>", "--ids", "--special"}).out == "1\n");
    // Unparsed it is ordinary pieces, which detokenize (dropping control tokens) gives back whole.
    const auto plain = test::run_cli({"tokenize", model, "-p", "<fim_prefix>", "--ids"});
    REQUIRE(plain.exit_code == 0);
    CHECK(test::parse_ids(plain.out).size() > 1);
    CHECK(test::run_cli({"detokenize", model}, plain.out).out == "<fim_prefix>");
}

TEST_CASE("cli detokenize: ids from arguments or stdin back to the exact bytes", "[cli][tokenizer]") {
    SKIP_WITHOUT_SHARED();
    const std::string model = test::shared_path("models/quant/bpe-smollm-Q8_0.gguf");
    const std::string text = "Hello,  w\xC3\xB6rld \xF0\x9F\xA6\x99\n";
    const test::TempDir dir;
    const std::string file = dir.file("text.txt");
    test::write_bytes(file, text);
    const auto ids = test::run_cli({"tokenize", model, "--file", file, "--ids"});
    REQUIRE(ids.exit_code == 0);
    CHECK(test::run_cli({"detokenize", model}, ids.out).out == text);
    CHECK(test::run_cli({"detokenize", model, "0", "4"}).out.empty());  // control tokens
    CHECK(test::run_cli({"detokenize", model, "--special", "0"}).out == "<|endoftext|>");
}

TEST_CASE("cli tokenize/detokenize: bad input is one error line and a non-zero exit", "[cli][tokenizer]") {
    SKIP_WITHOUT_SHARED();
    const std::string model = test::shared_path("models/stories260K.gguf");
    const auto missing = test::run_cli({"tokenize", model, "--file", "/nonexistent/file.txt"});
    CHECK(missing.exit_code == 1);
    CHECK(missing.err == "error: cannot read text file '/nonexistent/file.txt': No such file or directory\n");
    const test::TempDir dir;
    test::check_one_line_error({"tokenize", model, "--file", dir.file("")},
                               "cannot read text file '" + dir.file("") + "': Is a directory");
    CHECK(test::run_cli({"tokenize", model}).exit_code == 2);  // neither --prompt nor --file
    const auto bad_id = test::run_cli({"detokenize", model, "1", "512"});
    CHECK(bad_id.exit_code == 1);
    CHECK(bad_id.err == "error: token id 512 is out of range (vocabulary of 512 tokens)\n");
    const auto not_an_id = test::run_cli({"detokenize", model, "12x"});
    CHECK(not_an_id.exit_code == 1);
    CHECK(not_an_id.err == "error: '12x' is not a token id\n");
    const auto nul = test::run_cli({"detokenize", model}, std::string("1\0" "2", 3));  // the whole word, escaped
    CHECK(nul.exit_code == 1);
    CHECK(nul.err == "error: '1\\x002' is not a token id\n");
    const auto not_gguf = test::run_cli({"tokenize", test::shared_path("models/README.md"), "-p", "x"});
    CHECK(not_gguf.exit_code == 1);
    CHECK(not_gguf.err.rfind("error: ", 0) == 0);
}
