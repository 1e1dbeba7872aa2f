#include "apps/summarise/summariser.h"

#include "apps/summarise/ascii_space.h"

namespace summarise {
namespace {

std::string_view trimmed(std::string_view text) {
    while (!text.empty() && is_ascii_space(text.front())) text.remove_prefix(1);
    while (!text.empty() && is_ascii_space(text.back())) text.remove_suffix(1);
    return text;
}

}  // namespace

Summariser::Summariser(runtime::Transformer& transformer, const tokenizer::Tokenizer& tokenizer,
                       runtime::Sampler& sampler, runtime::GenerationOptions options, SummaryPrompt prompt)
    : transformer_(transformer), tokenizer_(tokenizer), sampler_(sampler),
      generator_(transformer, tokenizer, sampler, std::move(options)), prompt_(std::move(prompt)),
      heads_(transformer) {}

std::vector<int32_t> Summariser::prompt_tokens(const SummaryPrompt::Rendered& rendered) const {
    return tokenizer_.encode(rendered.text, /*add_special=*/true, rendered.plain);
}

size_t Summariser::template_tokens() const { return prompt_tokens(prompt_.render("", "")).size(); }

Fold Summariser::fold(std::string_view chunk, const std::function<void(std::string_view)>& on_text) {
    const SummaryPrompt::Rendered rendered = prompt_.render(summary_, chunk);
    const std::vector<int32_t> prompt = prompt_tokens(rendered);
    std::vector<int32_t> head = prompt_tokens({rendered.text.substr(0, rendered.head_bytes), 0, {}});
    // The head's last tokens may merge with what follows it in the whole prompt; one token is always left
    // to evaluate, for the logits.
    head.resize(std::min(runtime::common_prefix(head, prompt), prompt.size() - std::min<size_t>(1, prompt.size())));

    Fold fold;
    fold.prompt_tokens = prompt.size();
    fold.reused_tokens = heads_.hold(head);
    sampler_.reset_history();
    for (int32_t token : head) sampler_.accept(token);

    std::string reply;
    bool started = false;
    const std::vector<int32_t> rest(prompt.begin() + static_cast<std::ptrdiff_t>(head.size()), prompt.end());
    fold.stats = generator_.generate(rest, {[&](std::string_view text) {
                                                if (!started) {
                                                    while (!text.empty() && is_ascii_space(text.front())) text.remove_prefix(1);
                                                    started = !text.empty();
                                                }
                                                reply.append(text);
                                                if (!text.empty()) on_text(text);
                                            },
                                            [](int32_t) {}});
    const std::string& reason = fold.stats.stop_reason;
    const bool complete = reason != "deadline" && reason != "cancelled";
    fold.updated = complete && !trimmed(reply).empty();
    if (fold.updated) summary_ = std::string(trimmed(reply));
    return fold;
}

}  // namespace summarise
