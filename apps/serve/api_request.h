// The body of an OpenAI request, read and checked: POST /v1/completions ({"prompt": text}) and
// POST /v1/chat/completions ({"messages": [{"role", "content"}]}), with max_tokens, temperature, top_p,
// seed, stop (a string or up to 4), n (1 only), stream, and sparse-llm's own "attention" and "deadline_ms".
// Fields of OpenAI's that change nothing here (user, frequency_penalty 0, ...) are accepted and ignored;
// anything malformed is a RequestError (400) naming the parameter.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "tokenizer/chat_template.h"

namespace serve {

enum class Endpoint { Completions, ChatCompletions };

struct RequestLimits {
    int64_t max_tokens = 512;    // the most a request may ask for (and what it gets when it asks for none)
};

struct CompletionRequest {
    Endpoint endpoint = Endpoint::Completions;
    std::string model;                             // as given; empty: the one loaded
    std::string prompt;                            // Completions
    std::vector<tokenizer::ChatMessage> messages;  // ChatCompletions
    int64_t max_tokens = 0;
    float temperature = 1.0f;                      // OpenAI's defaults
    float top_p = 1.0f;
    std::optional<uint64_t> seed;
    std::vector<std::string> stop;
    bool stream = false;
    std::optional<std::string> attention;          // "dense", "sparse", "gated"
    double deadline_ms = 0;
};

// Parses `body`; throws RequestError for bad JSON, a wrong type or an out-of-range value.
CompletionRequest parse_request(Endpoint endpoint, const std::string& body, const RequestLimits& limits);

}  // namespace serve
