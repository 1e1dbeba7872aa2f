// `sparse-llm serve` with real clients (curl here, the openai npm package in test_openai_client.cpp), on
// stories260K: OpenAI's shapes, greedy text equal to `run`'s, streams, errors that leave the server healthy,
// concurrency with its queue, a client that goes away, the API key, and SIGTERM's drain.
#include <catch2/catch.hpp>

#include <chrono>
#include <csignal>
#include <functional>
#include <future>
#include <string>
#include <thread>
#include <vector>

#include "serve_fixture.h"
#include "support/json_reader.h"
#include "support/shared_data.h"

namespace {

std::string stories() { return test::shared_path("models/stories260K.gguf"); }
// A model slow enough (a few ms a token) that a long generation is surely under way when a test acts on it.
std::string slower() { return test::shared_path("models/quant/bpe-smollm-Q4_0.gguf"); }

// Run's greedy text for the prompt, as the server's completion should be.
std::string run_text(const std::string& prompt, int tokens) {
    const test::CliResult r = test::run_cli({"run", stories(), "-p", prompt, "-n", std::to_string(tokens), "--temp", "0"});
    REQUIRE(r.exit_code == 0);
    return r.out.substr(0, r.out.size() - 1);  // its final newline
}

// The JSON of each "data: {...}" event of a stream, and whether it ended with "data: [DONE]".
std::vector<test::json::Value> events(const std::string& stream, bool* done) {
    std::vector<test::json::Value> out;
    *done = false;
    for (size_t at = 0; (at = stream.find("data: ", at)) != std::string::npos;) {
        const size_t end = stream.find("\n\n", at);
        const std::string data = stream.substr(at + 6, end - at - 6);
        if (data == "[DONE]") *done = true;
        else out.push_back(test::json::parse(data));
        at = end;
    }
    return out;
}

void wait_until(const std::function<bool()>& ready) {
    for (int i = 0; i < 600 && !ready(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(100));
    REQUIRE(ready());
}

}  // namespace

TEST_CASE("serve: curl gets health, the model, and completions as OpenAI shapes them, greedy text equal to run's",
          "[serve]") {
    SKIP_WITHOUT_SHARED();
    test::TestServer server({stories(), "-t", "1"});
    CHECK(server.curl("/health").out == R"({"status":"ok"})");
    const test::json::Value models = test::json::parse(server.curl("/v1/models").out);
    CHECK(models["data"][0]["id"].as_string() == "stories260K");

    const test::json::Value c = test::json::parse(
        server.curl("/v1/completions", R"({"model":"stories260K","prompt":"Once upon a time","max_tokens":24,"temperature":0})").out);
    CHECK(c["object"].as_string() == "text_completion");
    CHECK(c["choices"][0]["text"].as_string() == run_text("Once upon a time", 24));
    CHECK(c["choices"][0]["finish_reason"].as_string() == "length");
    CHECK(c["usage"]["prompt_tokens"].as_int() == 5);
    CHECK(c["usage"]["completion_tokens"].as_int() == 24);
    CHECK(c["usage"]["total_tokens"].as_int() == 29);

    const std::string stream = server.curl("/v1/completions", R"({"prompt":"Once upon a time","max_tokens":24,"temperature":0,"stream":true})").out;
    bool done = false;
    const std::vector<test::json::Value> chunks = events(stream, &done);
    CHECK(done);
    REQUIRE(chunks.size() >= 2);
    std::string text;
    for (size_t i = 0; i + 1 < chunks.size(); ++i) {
        text += chunks[i]["choices"][0]["text"].as_string();
        CHECK(chunks[i]["choices"][0]["finish_reason"].is_null());
    }
    CHECK(text == c["choices"][0]["text"].as_string());
    CHECK(chunks.back()["choices"][0]["finish_reason"].as_string() == "length");
    CHECK(chunks.back()["usage"]["completion_tokens"].as_int() == 24);

    const std::string chat_body = R"({"messages":[{"role":"user","content":"Tell me a story."}],"max_tokens":12,"temperature":0)";
    const test::json::Value chat = test::json::parse(server.curl("/v1/chat/completions", chat_body + "}").out);
    CHECK(chat["object"].as_string() == "chat.completion");
    CHECK(chat["choices"][0]["message"]["role"].as_string() == "assistant");
    const std::string chat_text = chat["choices"][0]["message"]["content"].as_string();
    const std::vector<test::json::Value> deltas = events(server.curl("/v1/chat/completions", chat_body + R"(,"stream":true})").out, &done);
    CHECK(done);
    std::string streamed;
    for (const test::json::Value& d : deltas) {
        CHECK(d["object"].as_string() == "chat.completion.chunk");
        if (d["choices"][0]["delta"].contains("content")) streamed += d["choices"][0]["delta"]["content"].as_string();
    }
    CHECK(streamed == chat_text);
    // sparse-llm's own fields: dense attention gives sparse's text while the context fits the window; a decode
    // deadline nothing can meet stops at the first decode step, with finish_reason "length".
    const test::json::Value dense = test::json::parse(
        server.curl("/v1/completions", R"({"prompt":"Once upon a time","max_tokens":24,"temperature":0,"attention":"dense"})").out);
    CHECK(dense["choices"][0]["text"].as_string() == c["choices"][0]["text"].as_string());
    const test::json::Value late = test::json::parse(
        server.curl("/v1/completions", R"({"prompt":"Once upon a time","max_tokens":24,"temperature":0,"deadline_ms":0.000001})").out);
    CHECK(late["usage"]["completion_tokens"].as_int() == 1);
    CHECK(late["choices"][0]["finish_reason"].as_string() == "length");
    CHECK(server.metric("deadline_misses_total") == 1);
    // A stop string ends the text before it, with finish_reason "stop".
    const test::json::Value stopped = test::json::parse(
        server.curl("/v1/completions", R"({"prompt":"Once upon a time","max_tokens":24,"temperature":0,"stop":["Lily"]})").out);
    CHECK(stopped["choices"][0]["finish_reason"].as_string() == "stop");
    CHECK(stopped["choices"][0]["text"].as_string() == c["choices"][0]["text"].as_string().substr(0, c["choices"][0]["text"].as_string().find("Lily")));
}

TEST_CASE("serve: bad requests get OpenAI error objects with the right status, and the server stays healthy", "[serve]") {
    SKIP_WITHOUT_SHARED();
    test::TestServer server({stories(), "-t", "1", "--max-body-bytes", "4096", "--max-prompt-tokens", "64"});
    struct Case {
        std::string path, body, status, mentions;
    };
    const std::string long_prompt(5000, 'a');
    for (const Case& c : std::vector<Case>{
             {"/v1/completions", "{not json", "400", "not valid JSON"},
             {"/v1/completions", R"({"prompt":"x","max_tokens":"ten"})", "400", "'max_tokens': must be an integer"},
             {"/v1/completions", R"({"prompt":"x","temperature":7})", "400", "'temperature': must be in 0..2"},
             {"/v1/completions", R"({"prompt":"x","n":2})", "400", "only n = 1"},
             {"/v1/completions", R"({"prompt":"x","model":"gpt-4"})", "400", "unknown model 'gpt-4'"},
             {"/v1/completions", R"({"prompt":")" + std::string(300, 'w') + R"("})", "400", "the prompt is"},
             {"/v1/completions", R"({"prompt":")" + long_prompt + R"(x"})", "413", "larger than 4096 bytes"},
             {"/v1/chat/completions", R"({"messages":[{"role":"robot","content":"x"}]})", "400", "messages[0].role"},
             {"/v1/chat/completions", R"({"messages":[]})", "400", "'messages'"},
             {"/v1/completions", R"({"prompt":"x","attention":"psychic"})", "400", "'attention'"},
             {"/v2/anything", R"({})", "404", "no such endpoint"}}) {
        INFO(c.path << " " << c.body.substr(0, 80));
        const test::CliResult r = server.curl(c.path, c.body, {"-w", "\n%{http_code}"});
        const std::string status = r.out.substr(r.out.rfind('\n') + 1);
        CHECK(status == c.status);
        const test::json::Value error = test::json::parse(r.out.substr(0, r.out.rfind('\n')))["error"];
        CHECK_THAT(error["message"].as_string(), Catch::Contains(c.mentions));
        CHECK(error["type"].as_string() == "invalid_request_error");
    }
    CHECK(server.curl("/health").out == R"({"status":"ok"})");
    CHECK(test::json::parse(server.curl("/v1/completions", R"({"prompt":"Hi","max_tokens":2})").out)["usage"]["completion_tokens"].as_int() == 2);
    CHECK(server.metric("requests_refused_total") == 11);
}

TEST_CASE("serve: --api-key requires the bearer token, on the API and the metrics", "[serve]") {
    SKIP_WITHOUT_SHARED();
    test::TestServer server({stories(), "-t", "1", "--api-key", "s3cret"});
    for (std::vector<std::string> auth : {std::vector<std::string>{}, {"-H", "Authorization: Bearer wrong"}}) {
        auth.insert(auth.end(), {"-w", "\n%{http_code}"});
        const test::CliResult r = server.curl("/v1/completions", R"({"prompt":"Hi","max_tokens":2})", auth);
        CHECK_THAT(r.out, Catch::Contains("API key") && Catch::EndsWith("\n401"));
        CHECK_THAT(server.curl("/v1/models", "", auth).out, Catch::EndsWith("\n401"));
    }
    const std::vector<std::string> key{"-H", "Authorization: Bearer s3cret"};
    CHECK(test::json::parse(server.curl("/v1/completions", R"({"prompt":"Hi","max_tokens":2})", key).out)["usage"]["completion_tokens"].as_int() == 2);
    CHECK(server.curl("/health").out == R"({"status":"ok"})");  // health needs no key
    CHECK(server.metric("requests_refused_total", key) == 4);
}

TEST_CASE("serve: eight concurrent streaming clients all finish with their token counts, over two slots", "[serve]") {
    SKIP_WITHOUT_SHARED();
    test::TestServer server({stories(), "--parallel", "2", "--queue", "8"});
    std::vector<std::future<test::CliResult>> clients;
    for (int i = 0; i < 8; ++i)
        clients.push_back(std::async(std::launch::async, [&server, i] {
            return server.curl("/v1/completions", R"({"prompt":"Once upon a time","temperature":0,"stream":true,"max_tokens":)" +
                                                      std::to_string(10 + i) + "}");
        }));
    const std::string greedy = run_text("Once upon a time", 17);
    for (int i = 0; i < 8; ++i) {
        bool done = false;
        const std::vector<test::json::Value> chunks = events(clients[static_cast<size_t>(i)].get().out, &done);
        CHECK(done);
        REQUIRE_FALSE(chunks.empty());
        CHECK(chunks.back()["usage"]["completion_tokens"].as_int() == 10 + i);
        std::string text;
        for (const test::json::Value& c : chunks) text += c["choices"][0]["text"].as_string();
        CHECK(greedy.rfind(text, 0) == 0);  // each the start of the same greedy text
    }
    CHECK(server.metric("requests_total") == 8);
    // every decode step went through the batcher: all tokens but each request's first (its prompt's pass gives
    // it), and the warm-up's step
    CHECK(server.metric("batched_decode_tokens_total") == server.metric("generated_tokens_total") - 8 + 1);
    CHECK(server.metric("batched_decode_passes_total") <= server.metric("batched_decode_tokens_total"));
}

TEST_CASE("serve: --no-batch-decode runs the slots side by side, with the same greedy text", "[serve]") {
    SKIP_WITHOUT_SHARED();
    test::TestServer server({stories(), "--parallel", "2", "--no-batch-decode"});
    std::vector<std::future<test::CliResult>> clients;
    for (int i = 0; i < 2; ++i)
        clients.push_back(std::async(std::launch::async, [&server] {
            return server.curl("/v1/completions", R"({"prompt":"Once upon a time","temperature":0,"max_tokens":12})");
        }));
    const std::string greedy = run_text("Once upon a time", 12);
    for (auto& client : clients)
        CHECK(test::json::parse(client.get().out)["choices"][0]["text"].as_string() == greedy);
    CHECK(server.metric("batched_decode_passes_total") == 0);
}

TEST_CASE("serve: beyond the slots and the queue a request gets 503 with Retry-After, and a client that goes away frees "
          "its slot at once", "[serve]") {
    SKIP_WITHOUT_SHARED();
    test::TestServer server({slower(), "-t", "1", "--parallel", "1", "--queue", "0", "--max-tokens", "2000"});
    const std::string long_stream = R"({"prompt":"Once","max_tokens":2000,"temperature":0,"stream":true})";
    // A client that reads the first second of a long stream, then hangs up.
    auto leaving = std::async(std::launch::async, [&] { return server.curl("/v1/completions", long_stream, {"--max-time", "1"}); });
    wait_until([&] { return server.metric("slots_busy") == 1; });
    const test::CliResult busy = server.curl("/v1/completions", R"({"prompt":"Hi","max_tokens":2})", {"-i"});
    CHECK_THAT(busy.out, Catch::StartsWith("HTTP/1.1 503") && Catch::Contains("Retry-After: 1") && Catch::Contains("server_busy"));
    leaving.get();
    wait_until([&] { return server.metric("slots_busy") == 0; });  // long before its 2000 tokens
    CHECK(server.metric("requests_disconnected_total") == 1);
    CHECK(server.metric("generated_tokens_total") < 2000);
    CHECK(test::json::parse(server.curl("/v1/completions", R"({"prompt":"Hi","max_tokens":2})").out)["usage"]["completion_tokens"].as_int() == 2);
}

TEST_CASE("serve: SIGTERM finishes the request under way, then exits 0", "[serve]") {
    SKIP_WITHOUT_SHARED();
    test::TestServer server({slower(), "-t", "1", "--max-tokens", "300"});
    auto request = std::async(std::launch::async, [&] {
        return server.curl("/v1/completions", R"({"prompt":"Once","max_tokens":300,"temperature":0})");
    });
    wait_until([&] { return server.metric("slots_busy") == 1; });
    server.process().signal(SIGTERM);
    const test::json::Value answer = test::json::parse(request.get().out);
    CHECK(answer["choices"][0]["finish_reason"].as_string() == "length");
    CHECK(answer["usage"]["completion_tokens"].as_int() == 300);
    CHECK(server.process().wait() == 0);
    CHECK_THAT(server.process().stderr_text(), Catch::Contains("finishing the requests under way"));
}
