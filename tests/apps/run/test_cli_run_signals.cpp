// `sparse-llm run` stopped by a signal at every stage, as a shell or a service manager stops it: SIGINT and
// SIGTERM while loading, during the prompt and while decoding end with the text so far, the summary and exit
// 130 / 143; a reader that goes away (`| head`) ends it quietly.
#include <catch2/catch.hpp>

#include <chrono>
#include <csignal>
#include <regex>
#include <string>
#include <thread>
#include <utility>

#include "support/cli_runner.h"
#include "support/file_bytes.h"
#include "support/live_process.h"
#include "support/shared_data.h"
#include "support/temp_dir.h"

namespace {

std::string stories() { return test::shared_path("models/stories260K.gguf"); }

// Waits until the program's stderr holds `text`; false after timeout_s.
bool wait_for_stderr(const test::LiveProcess& p, const std::string& text, double timeout_s) {
    const auto until = std::chrono::steady_clock::now() + std::chrono::duration<double>(timeout_s);
    while (p.stderr_text().find(text) == std::string::npos) {
        if (std::chrono::steady_clock::now() > until) return false;
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    return true;
}

size_t prompt_tokens(const std::string& err) {
    std::smatch m;
    REQUIRE(std::regex_search(err, m, std::regex("prompt: (\\d+) tokens")));
    return std::stoul(m[1]);
}

}  // namespace

TEST_CASE("run: SIGINT and SIGTERM stop generation: the text so far, the summary, exit 130 and 143", "[cli][run]") {
    SKIP_WITHOUT_SHARED();
    for (const auto& [signal, code] : {std::pair{SIGINT, 130}, std::pair{SIGTERM, 143}}) {
        INFO("signal " << signal);
        // Unbounded: -n -1 with an H2O budget never ends by itself.
        test::LiveProcess p({"run", stories(), "-n", "-1", "--kv-budget", "300", "--temp", "0.8", "--seed", "5", "-t", "1"});
        bool timed_out = false;
        const std::string first_line = p.read_line(120, &timed_out);
        REQUIRE_FALSE(timed_out);
        p.signal(signal);
        CHECK(p.wait() == code);
        CHECK_FALSE((first_line + p.rest()).empty());
        CHECK_THAT(p.stderr_text(), Catch::Contains("generated: ") && Catch::Contains("stop: cancelled"));
    }
}

TEST_CASE("run: SIGINT while the model loads ends with the summary and 130", "[cli][run]") {
    SKIP_WITHOUT_SHARED();
    test::LiveProcess p({"run", stories(), "-n", "-1", "--kv-budget", "300", "-t", "1", "--verbose"});
    REQUIRE(wait_for_stderr(p, "debug: loading", 60));  // logged once the handlers are in place
    p.signal(SIGINT);
    CHECK(p.wait() == 130);
    CHECK_THAT(p.stderr_text(), Catch::Contains("generated: ") && Catch::Contains("stop: cancelled"));
}

TEST_CASE("run: SIGTERM during the prompt stops it between batches: what was evaluated, nothing generated, 143",
          "[cli][run]") {
    SKIP_WITHOUT_SHARED();
    const test::TempDir dir;
    std::string prompt;
    while (prompt.size() < 3500) prompt += test::read_bytes(test::shared_path("models/stories260K.greedy200.txt"));
    test::write_bytes(dir.file("prompt.txt"), prompt);
    // One token per batch and dense attention: a prompt of about 1600 tokens takes a while (0.5 s on a Zen 4).
    const std::vector<std::string> args{"run", stories(), "-f", dir.file("prompt.txt"), "-b", "1", "--attention",
                                        "dense", "-t", "1", "--verbose"};
    std::vector<std::string> whole = args;
    whole.insert(whole.end(), {"-n", "0"});
    const test::CliResult evaluated = test::run_cli(whole);
    REQUIRE(evaluated.exit_code == 0);
    const size_t all_tokens = prompt_tokens(evaluated.err);

    test::LiveProcess p(args);
    REQUIRE(wait_for_stderr(p, "debug: ", 60));  // loaded
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    p.signal(SIGTERM);
    CHECK(p.wait() == 143);
    const std::string err = p.stderr_text();
    CHECK_THAT(err, Catch::Contains("generated: 0 tokens") && Catch::Contains("stop: cancelled"));
    CHECK(prompt_tokens(err) < all_tokens);
}

TEST_CASE("run: a reader that goes away (| head) ends the program quietly, as SIGPIPE does", "[cli][run]") {
    SKIP_WITHOUT_SHARED();
    test::LiveProcess p({"run", stories(), "-n", "-1", "--kv-budget", "300", "--temp", "0.8", "--seed", "5", "-t", "1"});
    bool timed_out = false;
    p.read_line(120, &timed_out);
    REQUIRE_FALSE(timed_out);
    p.close_output();
    CHECK(p.wait() == 128 + SIGPIPE);
    CHECK_THAT(p.stderr_text(), !Catch::Contains("error"));
}
