// Reading OpenAI request bodies: the fields and their defaults, and a 400 naming the parameter for every kind of
// malformed value.
#include <catch2/catch.hpp>

#include "apps/serve/api_request.h"
#include "apps/serve/serve_error.h"

using serve::Endpoint;
using serve::parse_request;

TEST_CASE("api request: the fields of a completion and a chat, with OpenAI's defaults", "[serve]") {
    const serve::RequestLimits limits{256};
    const serve::CompletionRequest c = parse_request(Endpoint::Completions, R"({"prompt":"Hi","user":"me"})", limits);
    CHECK(c.prompt == "Hi");
    CHECK(c.max_tokens == 256);  // none asked for: the server's limit
    CHECK(c.temperature == 1.0f);
    CHECK(c.top_p == 1.0f);
    CHECK_FALSE(c.seed);
    CHECK_FALSE(c.stream);
    const serve::CompletionRequest chat = parse_request(
        Endpoint::ChatCompletions,
        R"({"model":"m","messages":[{"role":"system","content":"Be brief."},{"role":"user","content":"Hi"}],
            "max_tokens":7,"temperature":0,"top_p":0.5,"seed":-3,"stop":["a","b"],"n":1,"stream":true,
            "attention":"dense","deadline_ms":2.5})",
        limits);
    CHECK(chat.model == "m");
    REQUIRE(chat.messages.size() == 2);
    CHECK(chat.messages[1].role == "user");
    CHECK(chat.messages[1].content == "Hi");
    CHECK(chat.max_tokens == 7);
    CHECK(chat.temperature == 0.0f);
    CHECK(chat.top_p == 0.5f);
    CHECK(*chat.seed == static_cast<uint64_t>(-3));
    CHECK(chat.stop == std::vector<std::string>{"a", "b"});
    CHECK(chat.stream);
    CHECK(*chat.attention == "dense");
    CHECK(chat.deadline_ms == 2.5);
    CHECK(parse_request(Endpoint::Completions, R"({"prompt":"x","stop":"end"})", limits).stop == std::vector<std::string>{"end"});
}

TEST_CASE("api request: each malformed value is a 400 naming its parameter", "[serve]") {
    const serve::RequestLimits limits{100};
    const std::vector<std::pair<std::string, std::string>> cases{
        {"[1,2]", ""},
        {R"({"prompt":["a","b"]})", "prompt"},
        {R"({})", "prompt"},
        {R"({"prompt":"x","max_tokens":0})", "max_tokens"},
        {R"({"prompt":"x","max_tokens":101})", "max_tokens"},
        {R"({"prompt":"x","max_tokens":1.5})", "max_tokens"},
        {R"({"prompt":"x","top_p":-0.1})", "top_p"},
        {R"({"prompt":"x","seed":"7"})", "seed"},
        {R"({"prompt":"x","seed":18446744073709551615})", "seed"},
        {R"({"prompt":"x","stop":["a","b","c","d","e"]})", "stop"},
        {R"({"prompt":"x","stop":[""]})", "stop"},
        {R"({"prompt":"x","n":3})", "n"},
        {R"({"prompt":"x","stream":"yes"})", "stream"},
        {R"({"prompt":"x","model":5})", "model"},
        {R"({"prompt":"x","deadline_ms":-1})", "deadline_ms"},
    };
    for (const auto& [body, param] : cases) {
        INFO(body);
        try {
            parse_request(Endpoint::Completions, body, limits);
            FAIL("accepted");
        } catch (const serve::RequestError& e) {
            CHECK(e.status() == 400);
            CHECK(e.param() == param);
        }
    }
    for (const char* body : {R"({"messages":"hi"})", R"({"messages":[{"content":"x"}]})",
                             R"({"messages":[{"role":"user","content":7}]})"}) {
        INFO(body);
        CHECK_THROWS_AS(parse_request(Endpoint::ChatCompletions, body, limits), serve::RequestError);
    }
}
