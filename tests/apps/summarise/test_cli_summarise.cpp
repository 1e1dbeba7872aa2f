// `sparse-llm summarise` as a user runs it, on stories260K: a multi-chunk input folded chunk by chunk with the
// template's head reused, greedy determinism, the three output forms agreeing, a memory bound over 50 chunks,
// a pipe that stays open (summaries before the end of input, --flush-after), the stop signals, an empty input,
// and one error line for what cannot be read.
#include <catch2/catch.hpp>

#include <algorithm>
#include <csignal>
#include <string>
#include <vector>

#include <unistd.h>

#include "gguf/gguf_file.h"
#include "support/cli_runner.h"
#include "support/file_bytes.h"
#include "support/json_reader.h"
#include "support/live_process.h"
#include "support/shared_data.h"
#include "support/temp_dir.h"
#include "tokenizer/tokenizer.h"

namespace {

std::string stories() { return test::shared_path("models/stories260K.gguf"); }

// The stories260K golden text, `copies` times, a blank line between copies.
std::string story_text(int copies) {
    const std::string one = test::read_bytes(test::shared_path("models/stories260K.greedy200.txt"));
    std::string text;
    for (int i = 0; i < copies; ++i) text += one + "\n\n";
    return text;
}

std::vector<test::json::Value> json_lines(const std::string& out) {
    std::vector<test::json::Value> lines;
    for (size_t at = 0; at < out.size();) {
        const size_t end = out.find('\n', at);
        lines.push_back(test::json::parse(out.substr(at, end - at)));
        at = end + 1;
    }
    return lines;
}

const std::vector<std::string> kSmall{"--chunk-tokens", "64", "--max-summary-tokens", "12", "-t", "1"};

// Writes `bytes` to the file `name` in dir; its path.
std::string file_in(const test::TempDir& dir, const std::string& name, const std::string& bytes) {
    test::write_bytes(dir.file(name), bytes);
    return dir.file(name);
}

std::vector<std::string> args_with(std::vector<std::string> args, const std::vector<std::string>& more) {
    args.insert(args.end(), more.begin(), more.end());
    return args;
}

}  // namespace

TEST_CASE("summarise: a multi-chunk input is folded chunk by chunk, the template's head evaluated once", "[cli][summarise]") {
    SKIP_WITHOUT_SHARED();
    const std::string text = story_text(3);
    const test::TempDir dir;
    const std::string input = file_in(dir, "story.txt", text);
    const test::CliResult r = test::run_cli(args_with({"summarise", stories(), input, "--jsonl"}, kSmall));
    REQUIRE(r.exit_code == 0);
    const std::vector<test::json::Value> lines = json_lines(r.out);
    REQUIRE(lines.size() >= 8);  // 600+ tokens in chunks of 64, and the final object
    const tokenizer::Tokenizer tok = tokenizer::Tokenizer::from_gguf(gguf::File::open(stories()));
    uint64_t consumed = 0;
    std::string summary;
    for (size_t i = 0; i + 1 < lines.size(); ++i) {
        const test::json::Value& u = lines[i];
        INFO("update " << i);
        CHECK(u["chunk"].as_uint() == i + 1);
        const std::string chunk = text.substr(consumed, u["chunk_bytes"].as_uint());
        CHECK(u["chunk_tokens"].as_uint() == tok.encode(chunk, false).size());
        CHECK(u["chunk_tokens"].as_uint() <= 64);
        consumed += chunk.size();
        CHECK(u["bytes_consumed"].as_uint() == consumed);
        CHECK(u["generated_tokens"].as_uint() <= 12);
        // The plain template of the documentation, around the previous summary and this chunk.
        const std::string prompt = "Text:\n" + chunk + "\n\nEarlier summary: " + summary + "\n\nSummary of all the text:";
        CHECK(u["prompt_tokens"].as_uint() == tok.encode(prompt, true).size());
        // The head, "Text:\n", as far as it tokenizes the same in the whole prompt; evaluated for the first.
        const std::vector<tokenizer::TokenId> head = tok.encode("Text:\n", true), whole = tok.encode(prompt, true);
        const size_t shared = static_cast<size_t>(std::mismatch(head.begin(), head.end(), whole.begin()).first - head.begin());
        CHECK(u["reused_tokens"].as_uint() == (i == 0 ? 0 : shared));
        CHECK(shared > 1);
        if (u["updated"].as_bool()) summary = u["summary"].as_string();
        CHECK(u["summary"].as_string() == summary);
    }
    CHECK(consumed == text.size());
    const test::json::Value& final = lines.back();
    CHECK(final["final"].as_bool());
    CHECK(final["reason"].as_string() == "end of input");
    CHECK(final["summary"].as_string() == summary);
    CHECK(final["bytes_consumed"].as_uint() == text.size());
    CHECK_THAT(r.err, Catch::Contains("summarised " + std::to_string(lines.size() - 1) + " chunks"));
}

TEST_CASE("summarise: greedy summaries are the same every time, and stream, final-only and JSON lines agree",
          "[cli][summarise]") {
    SKIP_WITHOUT_SHARED();
    const test::TempDir dir;
    const std::string input = file_in(dir, "story.txt", story_text(2));
    const test::CliResult stream = test::run_cli(args_with({"summarise", stories(), input}, kSmall));
    REQUIRE(stream.exit_code == 0);
    CHECK(test::run_cli(args_with({"summarise", stories(), input}, kSmall)).out == stream.out);
    const test::CliResult jsonl = test::run_cli(args_with({"summarise", "-m", stories(), "--jsonl"}, kSmall), story_text(2));
    REQUIRE(jsonl.exit_code == 0);
    const std::vector<test::json::Value> lines = json_lines(jsonl.out);
    const std::string last = lines.back()["summary"].as_string();
    REQUIRE_FALSE(last.empty());
    std::string blocks;
    for (size_t i = 0; i + 1 < lines.size(); ++i) blocks += lines[i]["summary"].as_string() + "\n\n";
    CHECK(stream.out == blocks);  // every update streamed, each ending in a blank line
    const test::CliResult final_only = test::run_cli(args_with({"summarise", stories(), input, "--final-only"}, kSmall));
    CHECK(final_only.out == last + "\n");
}

TEST_CASE("summarise: a template file is the whole prompt, with BOS, its placeholders filled", "[cli][summarise]") {
    SKIP_WITHOUT_SHARED();
    const std::string text = story_text(1);
    const test::TempDir dir;
    const std::string pattern = "Story: {text}\nShort: {summary}\nShorter:";
    const std::string input = file_in(dir, "story.txt", text);
    const test::CliResult r = test::run_cli(
        args_with({"summarise", stories(), input, "--jsonl", "--template", file_in(dir, "t.txt", pattern)}, kSmall));
    REQUIRE(r.exit_code == 0);
    const tokenizer::Tokenizer tok = tokenizer::Tokenizer::from_gguf(gguf::File::open(stories()));
    const std::vector<test::json::Value> lines = json_lines(r.out);
    REQUIRE(lines.size() >= 3);
    uint64_t consumed = 0;
    std::string summary;
    for (size_t i = 0; i + 1 < lines.size(); ++i) {
        const std::string chunk = text.substr(consumed, lines[i]["chunk_bytes"].as_uint());
        consumed += chunk.size();
        CHECK(lines[i]["prompt_tokens"].as_uint() ==
              tok.encode("Story: " + chunk + "\nShort: " + summary + "\nShorter:", true).size());
        summary = lines[i]["summary"].as_string();
    }
}

TEST_CASE("summarise: a fold that misses its decode deadline keeps the summary it had, and says so", "[cli][summarise]") {
    SKIP_WITHOUT_SHARED();
    const std::vector<std::string> args = args_with({"summarise", stories(), "--jsonl", "--deadline-ms", "0.000001"}, kSmall);
    const test::CliResult r = test::run_cli(args, story_text(1));
    REQUIRE(r.exit_code == 0);
    const std::vector<test::json::Value> lines = json_lines(r.out);
    REQUIRE(lines.size() >= 3);
    for (size_t i = 0; i + 1 < lines.size(); ++i) {
        CHECK(lines[i]["stop_reason"].as_string() == "deadline");
        CHECK_FALSE(lines[i]["updated"].as_bool());
        CHECK(lines[i]["summary"].as_string().empty());
    }
    CHECK_THAT(r.err, Catch::Contains("a decode deadline was missed; the summary stays as it was"));
    std::vector<std::string> degrade = args;
    degrade.insert(degrade.end(), {"--on-deadline", "degrade"});
    const test::CliResult degraded = test::run_cli(degrade, story_text(1));
    REQUIRE(degraded.exit_code == 0);
    for (const test::json::Value& line : json_lines(degraded.out))
        if (!line.contains("final")) CHECK(line["updated"].as_bool());  // degrade never stops a fold
}

TEST_CASE("summarise: memory after 50 chunks is within 10% of memory after 5", "[cli][summarise]") {
    SKIP_WITHOUT_SHARED();
#if defined(SPARSE_LLM_ASAN)
    WARN("skipped: resident memory under a sanitizer is not the program's");
    return;
#endif
    const std::string model = test::shared_path("models/quant/bpe-smollm-Q4_0.gguf");
    const test::CliResult r = test::run_cli({"summarise", model, "--jsonl", "--chunk-tokens", "48",
                                            "--max-summary-tokens", "8", "-t", "1"}, story_text(20));
    REQUIRE(r.exit_code == 0);
    const std::vector<test::json::Value> lines = json_lines(r.out);
    REQUIRE(lines.size() > 50);
    const double after5 = lines[4]["peak_rss_mib"].as_double(), after50 = lines[49]["peak_rss_mib"].as_double();
    INFO("peak RSS after 5 chunks " << after5 << " MiB, after 50 " << after50 << " MiB");
    CHECK(after50 <= after5 * 1.10);
}

// The bytes_consumed of the updates `p` prints until one has consumed `bytes`; fails on a 120 s silence.
uint64_t read_until_consumed(test::LiveProcess& p, uint64_t bytes, std::string* last_summary = nullptr) {
    uint64_t consumed = 0;
    while (consumed < bytes) {
        bool timed_out = false;
        const std::string line = p.read_line(120, &timed_out);
        REQUIRE_FALSE(timed_out);
        const test::json::Value update = test::json::parse(line);
        consumed = update["bytes_consumed"].as_uint();
        if (last_summary) *last_summary = update["summary"].as_string();
    }
    return consumed;
}

TEST_CASE("summarise: a pipe that stays open gets summaries before it ends -- --flush-after summarises a slow stream",
          "[cli][summarise]") {
    SKIP_WITHOUT_SHARED();
    test::LiveProcess p(args_with({"summarise", stories(), "--jsonl", "--flush-after", "1"}, kSmall));
    const std::string text = story_text(1);  // about 200 tokens: full chunks, and a rest that waits a second
    p.write(text);
    CHECK(read_until_consumed(p, text.size() - 2) >= text.size() - 2);
    const std::string slow = "Then the sun came out.";
    p.write(slow);
    CHECK(read_until_consumed(p, text.size() + slow.size()) == text.size() + slow.size());
    p.close_input();
    CHECK(p.wait() == 0);
    CHECK(test::json::parse(p.rest().substr(0, p.rest().find('\n')))["reason"].as_string() == "end of input");
}

TEST_CASE("summarise: SIGINT and SIGTERM print the current summary and exit 0", "[cli][summarise]") {
    SKIP_WITHOUT_SHARED();
    const std::string text = story_text(1);
    for (int signal : {SIGINT, SIGTERM}) {
        INFO("signal " << signal);
        test::LiveProcess p(args_with({"summarise", stories(), "--jsonl", "--flush-after", "0"}, kSmall));
        p.write(text);
        std::string summary;
        read_until_consumed(p, 1, &summary);
        p.signal(signal);
        CHECK(p.wait() == 0);
        std::string rest = p.rest();
        const size_t final_line = rest.rfind('\n', rest.size() - 2);
        const test::json::Value final = test::json::parse(rest.substr(final_line == std::string::npos ? 0 : final_line + 1));
        for (const test::json::Value& update : json_lines(rest.substr(0, final_line == std::string::npos ? 0 : final_line + 1)))
            summary = update["summary"].as_string();
        CHECK(final["reason"].as_string() == "signal");
        CHECK(final["summary"].as_string() == summary);
        CHECK_THAT(p.stderr_text(), Catch::Contains("stop: signal"));
    }
    // --final-only prints the summary at the signal: here, once every full chunk of the open pipe is folded.
    test::LiveProcess probe(args_with({"summarise", stories(), "--jsonl", "--flush-after", "0"}, kSmall));
    test::LiveProcess p(args_with({"summarise", stories(), "--final-only", "--flush-after", "0"}, kSmall));
    probe.write(text);
    p.write(text);
    std::string summary;
    bool silent = false;
    for (std::string line; line = probe.read_line(5, &silent), !silent;)  // the full chunks, then a wait
        summary = test::json::parse(line)["summary"].as_string();
    REQUIRE_FALSE(summary.empty());
    ::usleep(2000000);  // p has the same work as the probe
    p.signal(SIGINT);
    CHECK(p.wait() == 0);
    CHECK(p.rest() == summary + "\n");
}

TEST_CASE("summarise: an empty input is an empty summary -- what cannot be read or fit is one error line",
          "[cli][summarise]") {
    SKIP_WITHOUT_SHARED();
    const test::CliResult empty = test::run_cli({"summarise", stories(), "--final-only"}, "");
    CHECK(empty.exit_code == 0);
    CHECK(empty.out.empty());
    const test::CliResult blank = test::run_cli({"summarise", stories(), "--jsonl"}, "\n\n  \n");
    CHECK(blank.exit_code == 0);
    CHECK(blank.out == "{\"final\":true,\"reason\":\"end of input\",\"chunks\":0,\"bytes_consumed\":5,"
                       "\"tokens_consumed\":" + std::to_string(json_lines(blank.out).at(0)["tokens_consumed"].as_uint()) +
                       ",\"summary\":\"\"}\n");
    const test::TempDir dir;
    test::check_one_line_error({"summarise", stories(), dir.file("missing.txt")}, "cannot read input file");
    test::check_one_line_error({"summarise", stories(), dir.file("")}, "Is a directory");
    test::check_one_line_error({"summarise", stories(), "--template", dir.file("none.txt")}, "cannot read template file");
    test::check_one_line_error({"summarise", stories(), "--template", file_in(dir, "t.txt", "no placeholder")}, "{text}");
    test::check_one_line_error({"summarise", stories(), "-c", "64", "--chunk-tokens", "60"}, "do not fit the context of 64");
    test::check_one_line_error({"summarise", stories(), "--jsonl", "--final-only"}, "not both");
}
