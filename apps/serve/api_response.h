// OpenAI's response bodies: the completion and chat completion objects, their streamed chunks (server-sent
// events: "data: {...}\n\n", ended by "data: [DONE]\n\n"), the model list and the error object.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "apps/serve/api_request.h"
#include "apps/serve/completion.h"

namespace serve {

// What every object of one response shares.
struct ResponseHeader {
    Endpoint endpoint;
    std::string id;     // "cmpl-N" or "chatcmpl-N"
    int64_t created;    // Unix seconds
    std::string model;
};

std::string completion_body(const ResponseHeader& h, const CompletionResult& result);
// A chunk of text (finish_reason null), or with `finish_reason` the last chunk (no text, usage included).
std::string stream_event(const ResponseHeader& h, std::string_view text);
std::string final_stream_event(const ResponseHeader& h, const CompletionResult& result);
constexpr std::string_view kStreamEnd = "data: [DONE]\n\n";

std::string models_body(const std::string& model, int64_t created);
std::string error_body(const std::string& message, const std::string& type, const std::string& param,
                       const std::string& code = "");

}  // namespace serve
