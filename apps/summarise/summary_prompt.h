// The prompt of one summarising step, from a template with two placeholders:
//   {summary}  the running summary (empty before the first one)
//   {text}     the new chunk of input
// The default for a model with a chat template (tokenizer.chat_template: ChatML or Llama 3) is one user turn
// asking for the updated summary, in that template; for a base model (or a template neither of those), a
// plain "Text: ... Summary:" form.
// `--template FILE` gives the whole prompt text instead: control tokens written in it (<|im_start|>) are read
// as those tokens (never those in the input or the summary), and BOS is added when the model wants it. Everything before the first placeholder is the
// prompt's head, the same for every chunk: the summariser evaluates it once (src/prefix_cache.h).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "tokenizer/tokenizer.h"

namespace summarise {

class SummaryPrompt {
public:
    // The default template for the model.
    static SummaryPrompt for_model(const tokenizer::Tokenizer& tokenizer);
    // A template of the user's; throws summarise::Error when it has no {text}.
    static SummaryPrompt from_template(std::string text);

    struct Rendered {
        std::string text;       // the whole prompt
        size_t head_bytes = 0;  // its first bytes, the same in every chunk's prompt
        std::vector<tokenizer::TextRange> plain;  // where the summary and the chunk are: never control tokens
    };
    Rendered render(std::string_view summary, std::string_view chunk) const;

    bool uses_chat_template() const { return chat_ != nullptr; }

private:
    SummaryPrompt(std::string pattern, const tokenizer::Tokenizer* chat) : pattern_(std::move(pattern)), chat_(chat) {}

    std::string pattern_;                  // with the placeholders: the user turn, or the whole prompt
    const tokenizer::Tokenizer* chat_;     // renders pattern_ as a user turn; null: pattern_ is the prompt
};

}  // namespace summarise
