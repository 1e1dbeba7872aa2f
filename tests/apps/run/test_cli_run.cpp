// `sparse-llm run` as a user runs it: the stories260K golden on stdout, flags that end generation, the
// summary on stderr, and one clear error line (exit 1, nothing on stdout) for every kind of bad input.
#include <catch2/catch.hpp>

#include <array>
#include <string>
#include <vector>

#include "apps/make_model/synthetic_model.h"
#include "gguf/gguf_file.h"
#include "kernels/common/isa.h"
#include "support/cli_runner.h"
#include "support/file_bytes.h"
#include "support/shared_data.h"
#include "support/temp_dir.h"
#include "tokenizer/tokenizer.h"

namespace {

std::string stories() { return test::shared_path("models/stories260K.gguf"); }

}  // namespace

TEST_CASE("run: greedy from BOS reproduces the stories260K 200-token golden, dense and with a covering window",
          "[cli][run][golden]") {
    SKIP_WITHOUT_SHARED();
    const std::string text = test::read_bytes(test::shared_path("models/stories260K.greedy200.txt"));
    const std::string ids = test::read_bytes(test::shared_path("models/stories260K.greedy200.ids"));
    for (const std::vector<std::string>& attention : {std::vector<std::string>{"--attention", "dense"},
                                                      std::vector<std::string>{"--attention", "sparse", "--window", "256"}}) {
        std::vector<std::string> args{"run", stories(), "-n", "200", "--temp", "0", "-t", "1"};
        args.insert(args.end(), attention.begin(), attention.end());
        const test::CliResult r = test::run_cli(args);
        REQUIRE(r.exit_code == 0);
        CHECK(r.out == text + "\n");
        CHECK_THAT(r.err, Catch::Contains("generated: 200 tokens, 199 decode steps") && Catch::Contains("stop: n_predict"));
        args.push_back("--ids");
        CHECK(test::run_cli(args).out == ids);
    }
}

TEST_CASE("run: the summary names load, prompt, generation, the kernels' instruction set, memory and deadlines",
          "[cli][run]") {
    SKIP_WITHOUT_SHARED();
    const test::CliResult r = test::run_cli({"run", "-m", stories(), "-p", "Once upon a time", "-n", "5", "--temp", "0.7",
                                            "--seed", "3", "--kv-type", "f32", "--kv-budget", "300"});
    REQUIRE(r.exit_code == 0);
    for (const char* part : {"load ", "warm-up ", "prompt: 5 tokens", "first token after", "generated: 5 tokens",
                             "GB/s of weights", "peak RSS", "KV cache", "of 300 slots, f32", "evictions 0",
                             "deadline misses 0"})
        CHECK_THAT(r.err, Catch::Contains(part));
    CHECK_THAT(r.err, Catch::Contains(std::string("GB/s of weights, ") + kernels::isa_name(kernels::active_isa()) +
                                      " kernels)"));
    const test::CliResult again = test::run_cli({"run", "-m", stories(), "-p", "Once upon a time", "-n", "5", "--temp",
                                                "0.7", "--seed", "3", "--kv-type", "f32", "--kv-budget", "300", "--no-warmup"});
    CHECK(again.out == r.out);  // same seed, same text; warm-up changes nothing
    CHECK_THAT(again.err, Catch::Contains("warm-up 0.0 ms"));
}

TEST_CASE("run: --stop, --deadline-ms and -n -1 end generation as asked", "[cli][run]") {
    SKIP_WITHOUT_SHARED();
    const test::CliResult stop = test::run_cli({"run", stories(), "-t", "1", "--temp", "0", "--stop", "girl named"});
    CHECK(stop.out == "Once upon a time, there was a little \n");
    CHECK_THAT(stop.err, Catch::Contains("stop: stop"));

    const test::CliResult missed = test::run_cli({"run", stories(), "--temp", "0", "--deadline-ms", "0.001"});
    CHECK(missed.exit_code == 0);
    CHECK_THAT(missed.err, Catch::Contains("deadline misses 1 (last at candidate_selection)") &&
                               Catch::Contains("stop: deadline"));
    const test::CliResult degraded = test::run_cli({"run", stories(), "--temp", "0", "-n", "12", "--deadline-ms",
                                                   "0.001", "--on-deadline", "degrade", "--ids"});
    CHECK(degraded.exit_code == 0);
    CHECK_THAT(degraded.err, Catch::Contains("degraded to gated top-k 0") && Catch::Contains("stop: n_predict"));
    // 11 decode steps, each longer than 1 µs; 7 checkpoint misses degraded to top-k 32, 16, 8, 4, 2, 1, 0
    CHECK_THAT(degraded.err, Catch::Contains("deadline misses 7 (last at") && Catch::Contains("steps over the deadline 11,"));

    const test::CliResult forever = test::run_cli({"run", stories(), "-t", "1", "--temp", "0", "-n", "-1", "-c", "40", "--ids"});
    CHECK(forever.exit_code == 0);
    CHECK_THAT(forever.err, Catch::Contains("generated: 40 tokens") && Catch::Contains("stop: context"));
    const test::CliResult evicting = test::run_cli({"run", stories(), "-t", "1", "--temp", "0", "-n", "400", "--kv-budget",
                                                   "150", "--window", "64", "--ids"});
    CHECK(evicting.exit_code == 0);
    CHECK_THAT(evicting.err, Catch::Contains("(150 of 150 slots, f16), evictions 250"));
}

TEST_CASE("run: chat and interactive modes wrap turns in ChatML", "[cli][run][chat]") {
    SKIP_WITHOUT_SHARED();
    const std::string model = test::shared_path("models/quant/bpe-smollm-Q8_0.gguf");
    const auto tok = tokenizer::Tokenizer::from_gguf(gguf::File::open(model));
    auto prompt_tokens = [&](const std::vector<tokenizer::ChatMessage>& chat) {
        return tok.encode(tok.apply_chat_template(chat, true), true, true).size();
    };
    // "prompt: N tokens" on stderr: every prompt token the run fed, over all turns.
    auto fed = [](const std::string& err) {
        const size_t at = err.find("prompt: ");
        return at == std::string::npos ? size_t{0} : std::stoul(err.substr(at + 8));
    };

    const test::CliResult chat = test::run_cli({"run", model, "-t", "1", "--chat", "-p", "Hi", "-n", "4", "--temp", "0", "--ids"});
    REQUIRE(chat.exit_code == 0);
    CHECK_THAT(chat.err, Catch::Contains("generated: 4 tokens"));
    CHECK(fed(chat.err) == prompt_tokens({{"user", "Hi"}}));

    const test::CliResult interactive =
        test::run_cli({"run", model, "-t", "1", "-i", "-n", "3", "--temp", "0", "--ids"}, "Hello\nAgain\n\n");
    REQUIRE(interactive.exit_code == 0);
    const std::string first_reply = interactive.out.substr(0, interactive.out.find('\n'));
    REQUIRE(test::parse_ids(first_reply).size() == 3);
    CHECK(test::parse_ids(interactive.out).size() == 6);  // two replies of 3
    // The summary is the last turn's: it fed the conversation so far except what the cache held from the
    // first turn, that turn's prompt and the first two reply tokens (the third was sampled, never fed).
    const std::string reply = tok.decode(test::parse_ids(first_reply));
    const size_t held = prompt_tokens({{"user", "Hello"}}) + 2;
    CHECK(fed(interactive.err) == prompt_tokens({{"user", "Hello"}, {"assistant", reply}, {"user", "Again"}}) - held);
}

TEST_CASE("run -i: a line longer than 1 MiB is one error line, after the turns before it", "[cli][run][chat]") {
    SKIP_WITHOUT_SHARED();
    const std::string too_long(size_t{1} << 20 | 1, 'a');
    const test::CliResult r = test::run_cli({"run", stories(), "-i", "-n", "2", "--temp", "0", "--ids"}, "Hi\n" + too_long + "\n");
    CHECK(r.exit_code == 1);
    CHECK(test::parse_ids(r.out).size() == 2);  // the first turn's reply
    CHECK_THAT(r.err, Catch::Contains("error: cannot read standard input: a line longer than 1 MiB"));
}

TEST_CASE("run: --max-memory refuses a model and context that need more, naming the need, before anything runs",
          "[cli][run][memory]") {
    SKIP_WITHOUT_SHARED();
    const test::CliResult refused = test::run_cli({"run", stories(), "-p", "Hi", "-n", "2", "--max-memory", "1"});
    CHECK(refused.exit_code == 1);
    CHECK(refused.out.empty());
    CHECK_THAT(refused.err, Catch::StartsWith("error: ") && Catch::Contains("more than the 1.0 MiB allowed (--max-memory)"));
    CHECK(test::run_cli({"run", stories(), "-p", "Hi", "-n", "2", "--max-memory", "4096"}).exit_code == 0);
    CHECK(test::run_cli({"run", stories(), "-p", "Hi", "--max-memory", "0"}).exit_code == 2);
}

TEST_CASE("run: the pi-zero-2w preset computes a KV budget under 400 MB and runs", "[cli][run][preset]") {
    SKIP_WITHOUT_SHARED();
    const test::CliResult r = test::run_cli({"run", stories(), "--preset", "pi-zero-2w", "-n", "8", "--temp", "0", "--verbose"});
    REQUIRE(r.exit_code == 0);
    // stories260K is tiny: the whole trained context (2048) fits the budget
    CHECK_THAT(r.err, Catch::Contains("window 64, block 32, context 2048, KV budget 2048, 4 threads"));
}

TEST_CASE("run: flags given with the pi-zero-2w preset override it, before or after it", "[cli][run][preset]") {
    SKIP_WITHOUT_SHARED();
    const std::vector<std::string> overrides{"--window", "32", "-t", "1", "--kv-budget", "0", "--kv-type", "f32"};
    for (const bool preset_first : {true, false}) {
        std::vector<std::string> args{"run", stories(), "-n", "8", "--temp", "0", "--verbose"};
        if (preset_first) args.insert(args.end(), {"--preset", "pi-zero-2w"});
        args.insert(args.end(), overrides.begin(), overrides.end());
        if (!preset_first) args.insert(args.end(), {"--preset", "pi-zero-2w"});
        const test::CliResult r = test::run_cli(args);
        REQUIRE(r.exit_code == 0);
        // block 32 and the whole trained context are the preset's; the rest is what the flags say
        CHECK_THAT(r.err, Catch::Contains("window 32, block 32, context 2048, KV budget 0, 1 threads"));
        CHECK_THAT(r.err, Catch::Contains("of 2048 slots, f32"));
    }
}

TEST_CASE("run: bad input is one error line, exit 1, nothing on stdout", "[cli][run][errors]") {
    test::check_one_line_error({"run", "/nonexistent/model.gguf"}, "/nonexistent/model.gguf");
    test::check_one_line_error({"run"}, "no model");
    test::TempDir dir;
    make_model::SyntheticModel missing{make_model::SyntheticModelSpec{}};
    missing.tensors.pop_back();  // blk.1.ffn_down.weight
    missing.write(dir.file("missing.gguf"));
    test::check_one_line_error({"run", dir.file("missing.gguf")}, "missing tensor 'blk.1.ffn_down.weight'");
    make_model::SyntheticModel shape{make_model::SyntheticModelSpec{}};
    shape.tensor("blk.0.attn_q.weight").shape = {64, 32};
    shape.write(dir.file("shape.gguf"));
    test::check_one_line_error({"run", dir.file("shape.gguf")}, "tensor 'blk.0.attn_q.weight' has shape [64, 32], expected [64, 64]");
    make_model::SyntheticModelSpec gpt2;
    gpt2.architecture = "gpt2";
    make_model::SyntheticModel(gpt2).write(dir.file("gpt2.gguf"));
    test::check_one_line_error({"run", dir.file("gpt2.gguf")}, "unsupported architecture 'gpt2'");

    SKIP_WITHOUT_SHARED();
    test::check_one_line_error({"run", stories(), "-c", "4", "-p", "Once upon a time there was"}, "the prompt is 7 tokens, longer than the context of 4");
    test::check_one_line_error({"run", stories(), "--attention", "fancy"}, "unknown attention 'fancy'");
    test::check_one_line_error({"run", stories(), "--kv-type", "q8"}, "unknown KV cache type 'q8'");
    test::check_one_line_error({"run", stories(), "--preset", "pi-zero-3"}, "unknown preset 'pi-zero-3'");
    test::check_one_line_error({"run", stories(), "--kv-budget", "100", "--window", "128"}, "KV budget 100 must exceed");
    test::check_one_line_error({"run", stories(), "-p", "x", "-f", "/nonexistent"}, "-p or -f");
    test::check_one_line_error({"run", stories(), "-f", "/nonexistent/prompt.txt"}, "cannot read prompt file");
}

TEST_CASE("run: numeric flags out of their range are usage errors naming the flag and the range", "[cli][run][errors]") {
    for (const auto& [flag, value, range] : std::vector<std::array<std::string, 3>>{
             {"--gate-top-k", "-1", "0 to 16777216"},
             {"--window", "-1", "1 to 16777216"},
             {"--block", "0", "1 to 16777216"},
             {"--kv-budget", "-5", "0 to 16777216"},
             {"--seed", "18446744073709551616", "0 to 9223372036854775807"},
             {"--seed", "-1", "0 to 9223372036854775807"},
             {"--n-predict", "99999999999999999999", "-1 to 1073741824"},
             {"--n-predict", "-2", "-1 to 1073741824"},
             {"--ctx-size", "2147483648", "1 to 16777216"},
             {"--batch-size", "99999999999999999999", "1 to 16777216"},
             {"--threads", "0", "1 to 1024"},
             {"--threads", "2147483648", "1 to 1024"},
             {"--deadline-ms", "1e13", "0 to 1000000000"},
             {"--deadline-ms", "nan", "0 to 1000000000"},
             {"--top-p", "1.5", "0 to 1"},
             {"--temp", "-inf", "0 to 100"}})
        test::check_usage_error({"run", "m.gguf", flag, value}, flag + ": Value " + value + " not in range " + range);
}

TEST_CASE("run: -n 0 evaluates the prompt and generates nothing", "[cli][run]") {
    SKIP_WITHOUT_SHARED();
    const test::CliResult r = test::run_cli({"run", stories(), "-p", "Once", "-n", "0", "--ids"});
    INFO(r.err);
    CHECK(r.exit_code == 0);
    CHECK(r.out == "\n");
    CHECK_THAT(r.err, Catch::Contains("prompt: 2 tokens") && Catch::Contains("generated: 0 tokens") &&
                          Catch::Contains("stop: n_predict"));
}

TEST_CASE("run: a prompt file that is a directory, too large, or empty-named is one error line naming it",
          "[cli][run][errors]") {
    SKIP_WITHOUT_SHARED();
    const test::TempDir dir;
    const std::string folder = dir.file("");
    test::check_one_line_error({"run", stories(), "-f", folder}, "cannot read prompt file '" + folder + "': Is a directory");
    test::check_one_line_error({"run", stories(), "-f", "/dev/zero"}, "prompt file '/dev/zero': larger than 256 MiB");
    test::check_one_line_error({"run", stories(), "-f", ""}, "cannot read prompt file '': No such file");
    // a pipe still works: the prompt of 2 tokens (BOS, "Once") read from standard input
    const test::CliResult piped = test::run_cli({"run", stories(), "-f", "/dev/stdin", "-n", "0"}, "Once");
    CHECK(piped.exit_code == 0);
    CHECK_THAT(piped.err, Catch::Contains("prompt: 2 tokens"));
}

TEST_CASE("run: a model both as argument and -m is an error, not one of them ignored", "[cli][run][errors]") {
    SKIP_WITHOUT_SHARED();
    test::check_one_line_error({"run", stories(), "-m", "/nonexistent/other.gguf"},
                               "give the model as an argument or with -m, not both");
}

TEST_CASE("run: in interactive mode -f gives the system prompt, as -p does", "[cli][run][chat]") {
    SKIP_WITHOUT_SHARED();
    const std::string model = test::shared_path("models/quant/bpe-smollm-Q8_0.gguf");
    const test::TempDir dir;
    test::write_bytes(dir.file("system.txt"), "You are terse.");
    const std::vector<std::string> args{"run", model, "-t", "1", "-i", "-n", "2", "--temp", "0", "--ids"};
    auto with = [&](std::vector<std::string> extra) {
        std::vector<std::string> all = args;
        all.insert(all.end(), extra.begin(), extra.end());
        return test::run_cli(all, "Hello\n\n");
    };
    // "prompt: N tokens": what the turn fed, the system prompt included
    auto fed = [](const test::CliResult& r) {
        const size_t at = r.err.find("prompt: ");
        return at == std::string::npos ? std::string() : r.err.substr(at, r.err.find(" tokens", at) - at);
    };
    const test::CliResult from_p = with({"-p", "You are terse."});
    const test::CliResult from_f = with({"-f", dir.file("system.txt")});
    const test::CliResult none = with({});
    REQUIRE(from_p.exit_code == 0);
    REQUIRE(from_f.exit_code == 0);
    CHECK(from_f.out == from_p.out);
    CHECK(fed(from_f) == fed(from_p));
    CHECK(fed(none) != fed(from_p));
}
