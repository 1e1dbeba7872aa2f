#include "apps/serve/api_response.h"

#include <nlohmann/json.hpp>

namespace serve {
namespace {

using nlohmann::json;

bool is_chat(const ResponseHeader& h) { return h.endpoint == Endpoint::ChatCompletions; }

json object_of(const ResponseHeader& h, const char* chat_type, const char* text_type, json choice) {
    choice["index"] = 0;
    return {{"id", h.id}, {"object", is_chat(h) ? chat_type : text_type}, {"created", h.created}, {"model", h.model},
            {"choices", json::array({std::move(choice)})}};
}

json usage_of(const CompletionResult& r) {
    return {{"prompt_tokens", r.prompt_tokens}, {"completion_tokens", r.completion_tokens},
            {"total_tokens", r.prompt_tokens + r.completion_tokens}};
}

// Invalid UTF-8 (a model may generate it) becomes U+FFFD rather than an exception.
std::string dumped(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

std::string event(const json& j) { return "data: " + dumped(j) + "\n\n"; }

}  // namespace

std::string completion_body(const ResponseHeader& h, const CompletionResult& r) {
    json choice = is_chat(h) ? json{{"message", {{"role", "assistant"}, {"content", r.text}}}}
                             : json{{"text", r.text}, {"logprobs", nullptr}};
    choice["finish_reason"] = r.finish_reason;
    json body = object_of(h, "chat.completion", "text_completion", std::move(choice));
    body["usage"] = usage_of(r);
    return dumped(body);
}

std::string stream_event(const ResponseHeader& h, std::string_view text) {
    json choice = is_chat(h) ? json{{"delta", {{"role", "assistant"}, {"content", text}}}}
                             : json{{"text", text}, {"logprobs", nullptr}};
    choice["finish_reason"] = nullptr;
    return event(object_of(h, "chat.completion.chunk", "text_completion", std::move(choice)));
}

std::string final_stream_event(const ResponseHeader& h, const CompletionResult& r) {
    json choice = is_chat(h) ? json{{"delta", json::object()}} : json{{"text", ""}, {"logprobs", nullptr}};
    choice["finish_reason"] = r.finish_reason;
    json last = object_of(h, "chat.completion.chunk", "text_completion", std::move(choice));
    last["usage"] = usage_of(r);
    return event(last);
}

std::string models_body(const std::string& model, int64_t created) {
    return dumped({{"object", "list"},
                   {"data", json::array({{{"id", model}, {"object", "model"}, {"created", created}, {"owned_by", "sparse-llm"}}})}});
}

std::string error_body(const std::string& message, const std::string& type, const std::string& param,
                       const std::string& code) {
    return dumped({{"error",
                    {{"message", message},
                     {"type", type},
                     {"param", param.empty() ? json(nullptr) : json(param)},
                     {"code", code.empty() ? json(nullptr) : json(code)}}}});
}

}  // namespace serve
