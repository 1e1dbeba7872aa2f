#include "apps/serve/completion.h"

#include <atomic>
#include <chrono>
#include <random>

#include <fmt/format.h>

#include "apps/serve/serve_error.h"
#include "src/run_config.h"
#include "src/runtime_error.h"
#include "src/sampler.h"

namespace serve {
namespace {

runtime::SamplerParams sampler_params(const CompletionRequest& r) {
    runtime::SamplerParams p;  // OpenAI's sampling: temperature and top-p alone
    p.temperature = r.temperature;
    p.top_p = r.top_p;
    p.top_k = 0;
    p.min_p = 0;
    p.seed = r.seed ? *r.seed : std::random_device{}();
    return p;
}

kernels::AttentionPath attention_for(const CompletionRequest& r, const runtime::Transformer& slot) {
    if (!r.attention) return slot.config().attention;
    kernels::AttentionPath path;
    try {
        path = runtime::parse_attention(*r.attention);
    } catch (const runtime::Error& e) {
        throw RequestError(400, fmt::format("'attention': {}", e.what()), "attention");
    }
    const runtime::RunConfig& c = slot.config();
    if (path == kernels::AttentionPath::Gated && c.attention != kernels::AttentionPath::Gated && !c.track_salience)
        throw RequestError(400, "'attention': gated needs the server started with --attention gated", "attention");
    return path;
}

}  // namespace

std::vector<int32_t> prompt_tokens(const tokenizer::Tokenizer& tok, const CompletionRequest& r,
                                   const runtime::Transformer& slot, const ServeLimits& limits) {
    const bool chat = r.endpoint == Endpoint::ChatCompletions;
    std::vector<int32_t> ids;
    try {
        ids = chat ? tok.encode(tok.apply_chat_template(r.messages, true), true, /*parse_special=*/true)
                   : tok.encode(r.prompt, true);
    } catch (const tokenizer::Error& e) {
        throw RequestError(400, e.what(), chat ? "messages" : "prompt");
    }
    if (ids.empty()) {
        if (tok.bos() == tokenizer::kNoToken) throw RequestError(400, "'prompt': empty, and the model has no BOS token", "prompt");
        ids.push_back(tok.bos());
    }
    const int64_t room = slot.room() < 0 ? limits.max_prompt_tokens : std::min(limits.max_prompt_tokens, slot.room() - 1);
    if (static_cast<int64_t>(ids.size()) > room)
        throw RequestError(400, fmt::format("the prompt is {} tokens; at most {} fit (context {}, --max-prompt-tokens {})",
                                            ids.size(), room, slot.config().n_ctx, limits.max_prompt_tokens),
                           chat ? "messages" : "prompt", "invalid_request_error");
    return ids;
}

CompletionResult complete(runtime::Transformer& slot, const tokenizer::Tokenizer& tok, const CompletionRequest& r,
                          const std::vector<int32_t>& prompt, const ServeLimits& limits,
                          const GenerationDefaults& defaults, const std::function<bool(std::string_view)>& on_text) {
    slot.control().attention = attention_for(r, slot);
    slot.control().gate_top_k = slot.config().gate_top_k;
    std::atomic<bool> stop{false};
    runtime::GenerationOptions options;
    options.n_predict = r.max_tokens;
    options.stop = r.stop;
    options.deadline_ms = r.deadline_ms > 0 ? r.deadline_ms : defaults.deadline_ms;
    options.on_deadline = defaults.on_deadline;
    options.cancel = &stop;
    runtime::Sampler sampler(sampler_params(r), static_cast<int32_t>(tok.n_vocab()));
    runtime::Generator generator(slot, tok, sampler, options);

    CompletionResult result;
    const auto give_up_at = std::chrono::steady_clock::now() + std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                                                                   std::chrono::duration<double>(limits.request_seconds));
    result.stats = generator.generate(prompt, {[&](std::string_view text) {
                                                   if (text.empty() || result.disconnected) return;
                                                   result.text.append(text);
                                                   if (!on_text(text)) result.disconnected = true, stop = true;
                                               },
                                               [&](int32_t) {
                                                   if (std::chrono::steady_clock::now() > give_up_at) stop = true;
                                               }});
    const std::string& why = result.stats.stop_reason;
    result.finish_reason = why == "eog" || why == "stop" ? "stop" : "length";
    result.prompt_tokens = prompt.size();
    result.completion_tokens = result.stats.generated - (why == "eog" ? 1 : 0);
    return result;
}

}  // namespace serve
