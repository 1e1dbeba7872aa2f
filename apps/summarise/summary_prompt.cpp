#include "apps/summarise/summary_prompt.h"

#include <algorithm>

#include "apps/summarise/ascii_space.h"
#include "apps/summarise/summarise_error.h"

namespace summarise {
namespace {

constexpr std::string_view kSummary = "{summary}", kText = "{text}";

constexpr const char* kChatPattern =
    "Summarise the text. Start from the summary so far, add what the new text says, and reply with the updated "
    "summary alone, in a few sentences.\n\nSummary so far:\n{summary}\n\nNew text:\n{text}";
constexpr const char* kPlainPattern = "Text:\n{text}\n\nEarlier summary: {summary}\n\nSummary of all the text:";

// pattern with every placeholder replaced, and where the replacements went.
SummaryPrompt::Rendered substitute(std::string_view pattern, std::string_view summary, std::string_view chunk) {
    SummaryPrompt::Rendered out;
    for (size_t at = 0; at < pattern.size();) {
        const bool is_summary = pattern.compare(at, kSummary.size(), kSummary) == 0;
        if (is_summary || pattern.compare(at, kText.size(), kText) == 0) {
            const std::string_view value = is_summary ? summary : chunk;
            out.plain.push_back({out.text.size(), out.text.size() + value.size()});
            out.text += value;
            at += is_summary ? kSummary.size() : kText.size();
        } else {
            out.text += pattern[at++];
        }
    }
    return out;
}

size_t first_placeholder(std::string_view pattern) {
    return std::min(pattern.find(kSummary), pattern.find(kText));
}

}  // namespace

SummaryPrompt SummaryPrompt::for_model(const tokenizer::Tokenizer& tokenizer) {
    const tokenizer::ChatTemplate& chat = tokenizer.chat_template();
    if (chat.from_model() && chat.is_supported()) return SummaryPrompt(kChatPattern, &tokenizer);
    return SummaryPrompt(kPlainPattern, nullptr);
}

SummaryPrompt SummaryPrompt::from_template(std::string text) {
    if (text.find(kText) == std::string::npos)
        throw Error("the summary template has no {text} placeholder (where each new chunk of input goes)");
    return SummaryPrompt(std::move(text), nullptr);
}

SummaryPrompt::Rendered SummaryPrompt::render(std::string_view summary, std::string_view chunk) const {
    Rendered turn = substitute(pattern_, summary, chunk);
    turn.head_bytes = first_placeholder(pattern_);
    if (!chat_) return turn;
    Rendered prompt{chat_->apply_chat_template({{"user", turn.text}}, /*add_assistant_prompt=*/true), 0, {}};
    // The turn's text is in the prompt as it is, or with its trailing whitespace trimmed (Llama 3).
    size_t shown = turn.text.size();
    size_t at = prompt.text.find(turn.text);
    if (at == std::string::npos) {
        shown = turn.text.find_last_not_of(kAsciiSpace) + 1;
        at = prompt.text.find(std::string_view(turn.text).substr(0, shown));
    }
    if (at == std::string::npos) throw Error("the model's chat template rewrites the text it is given: use --template");
    prompt.head_bytes = at + turn.head_bytes;
    for (const tokenizer::TextRange& r : turn.plain)
        if (r.begin < shown) prompt.plain.push_back({at + r.begin, at + std::min(r.end, shown)});
    return prompt;
}

}  // namespace summarise
