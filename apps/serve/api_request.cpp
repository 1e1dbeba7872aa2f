#include "apps/serve/api_request.h"

#include <cmath>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "apps/serve/serve_error.h"

namespace serve {
namespace {

using nlohmann::json;

[[noreturn]] void refuse(const std::string& param, const std::string& message) {
    throw RequestError(400, fmt::format("'{}': {}", param, message), param);
}

const json* field(const json& body, const char* name) {
    const auto it = body.find(name);
    return it == body.end() || it->is_null() ? nullptr : &*it;
}

std::string text_of(const json& value, const std::string& param) {
    if (!value.is_string()) refuse(param, "must be a string");
    return value.get<std::string>();
}

double number_in(const json& value, const std::string& param, double low, double high) {
    if (!value.is_number()) refuse(param, "must be a number");
    const double x = value.get<double>();
    if (!std::isfinite(x) || x < low || x > high) refuse(param, fmt::format("must be in {}..{}", low, high));
    return x;
}

int64_t integer_in(const json& value, const std::string& param, int64_t low, int64_t high) {
    if (!value.is_number_integer()) refuse(param, "must be an integer");
    // nlohmann reads every non-negative integer as unsigned: 2^63 and above fit no int64_t.
    const bool in_range = value.is_number_unsigned()
                              ? value.get<uint64_t>() <= static_cast<uint64_t>(high) && (low <= 0 || value.get<uint64_t>() >= static_cast<uint64_t>(low))
                              : value.get<int64_t>() >= low && value.get<int64_t>() <= high;
    if (!in_range) refuse(param, fmt::format("must be in {}..{}", low, high));
    return value.get<int64_t>();
}

std::vector<tokenizer::ChatMessage> messages_of(const json& value) {
    if (!value.is_array() || value.empty()) refuse("messages", "must be a non-empty array of messages");
    std::vector<tokenizer::ChatMessage> messages;
    for (size_t i = 0; i < value.size(); ++i) {
        const std::string param = fmt::format("messages[{}]", i);
        if (!value[i].is_object()) refuse(param, "must be an object with role and content");
        const json* role = field(value[i], "role");
        const json* content = field(value[i], "content");
        if (!role) refuse(param + ".role", "is missing");
        const std::string r = text_of(*role, param + ".role");
        if (r != "system" && r != "user" && r != "assistant")
            refuse(param + ".role", "must be system, user or assistant");
        messages.push_back({r, content ? text_of(*content, param + ".content") : ""});
    }
    return messages;
}

std::vector<std::string> stops_of(const json& value) {
    if (value.is_string()) return {value.get<std::string>()};
    if (!value.is_array() || value.size() > 4) refuse("stop", "must be a string or an array of up to 4 strings");
    std::vector<std::string> stops;
    for (const json& s : value) {
        stops.push_back(text_of(s, "stop"));
        if (stops.back().empty()) refuse("stop", "must not be empty");
    }
    return stops;
}

}  // namespace

CompletionRequest parse_request(Endpoint endpoint, const std::string& body, const RequestLimits& limits) {
    const json doc = json::parse(body, nullptr, /*allow_exceptions=*/false);
    if (doc.is_discarded()) throw RequestError(400, "the body is not valid JSON");
    if (!doc.is_object()) throw RequestError(400, "the body must be a JSON object");
    CompletionRequest r;
    r.endpoint = endpoint;
    if (const json* v = field(doc, "model")) r.model = text_of(*v, "model");
    if (endpoint == Endpoint::Completions) {
        const json* prompt = field(doc, "prompt");
        if (!prompt) refuse("prompt", "is missing");
        if (!prompt->is_string()) refuse("prompt", "must be a string (arrays of prompts or of tokens are not supported)");
        r.prompt = prompt->get<std::string>();
    } else {
        const json* messages = field(doc, "messages");
        if (!messages) refuse("messages", "is missing");
        r.messages = messages_of(*messages);
    }
    r.max_tokens = limits.max_tokens;
    for (const char* name : {"max_tokens", "max_completion_tokens"})
        if (const json* v = field(doc, name)) r.max_tokens = integer_in(*v, name, 1, limits.max_tokens);
    if (const json* v = field(doc, "temperature")) r.temperature = static_cast<float>(number_in(*v, "temperature", 0, 2));
    if (const json* v = field(doc, "top_p")) r.top_p = static_cast<float>(number_in(*v, "top_p", 0, 1));
    if (const json* v = field(doc, "seed")) r.seed = static_cast<uint64_t>(integer_in(*v, "seed", INT64_MIN, INT64_MAX));
    if (const json* v = field(doc, "stop")) r.stop = stops_of(*v);
    if (const json* v = field(doc, "n"); v && integer_in(*v, "n", 1, INT64_MAX) != 1) refuse("n", "only n = 1 is supported");
    if (const json* v = field(doc, "stream")) {
        if (!v->is_boolean()) refuse("stream", "must be true or false");
        r.stream = v->get<bool>();
    }
    if (const json* v = field(doc, "attention")) r.attention = text_of(*v, "attention");
    if (const json* v = field(doc, "deadline_ms")) r.deadline_ms = number_in(*v, "deadline_ms", 0, 1e9);
    return r;
}

}  // namespace serve
