// One request's generation on a leased slot: the prompt (the chat through the model's template, or the text),
// checked against the limits and the slot's context before anything runs; then the tokens, their text passed
// on as it streams (stop strings held back), and what OpenAI's response reports: finish_reason and usage.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "apps/serve/api_request.h"
#include "src/generation.h"
#include "src/transformer.h"
#include "tokenizer/tokenizer.h"

namespace serve {

struct ServeLimits {
    int64_t max_prompt_tokens = 4096;
    double request_seconds = 300;  // the longest a request generates; then it ends with finish_reason "length"
};

// How the server generates unless a request says otherwise.
struct GenerationDefaults {
    double deadline_ms = 0;
    runtime::DeadlinePolicy on_deadline = runtime::DeadlinePolicy::Stop;
};

struct CompletionResult {
    std::string text;
    std::string finish_reason;  // "stop" (end of generation, a stop string) or "length"
    size_t prompt_tokens = 0, completion_tokens = 0;
    runtime::GenerationStats stats;
    bool disconnected = false;  // on_text returned false: the client went away
};

// The request's prompt tokens; throws RequestError (400) for one over the limit or the slot's context.
std::vector<int32_t> prompt_tokens(const tokenizer::Tokenizer& tok, const CompletionRequest& request,
                                   const runtime::Transformer& slot, const ServeLimits& limits);

// Generates the completion of `prompt` on `slot` (emptied); each piece of text goes to on_text, which returns
// false to stop (a client that went away). Throws RequestError for an attention the slot cannot run.
CompletionResult complete(runtime::Transformer& slot, const tokenizer::Tokenizer& tok, const CompletionRequest& request,
                          const std::vector<int32_t>& prompt, const ServeLimits& limits,
                          const GenerationDefaults& defaults, const std::function<bool(std::string_view)>& on_text);

}  // namespace serve
