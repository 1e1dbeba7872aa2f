// The chat prompt of instruction-tuned models: ChatML, as SmolLM2-Instruct (and Qwen2, ...) use it:
//
//   <|im_start|>system\nYou are ...<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n
//
// Templates are not run as Jinja: a tokenizer.chat_template that writes <|im_start|> and <|im_end|> is taken
// as ChatML, with the default system prompt it inserts when the chat has none (SmolLM2: "You are a helpful AI
// assistant named SmolLM, trained by Hugging Face"). A model without a template gets plain ChatML, as
// llama.cpp does; any other template is reported as unsupported when applied.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace tokenizer {

struct ChatMessage {
    std::string role;  // "system", "user", "assistant"
    std::string content;
};

class ChatTemplate {
public:
    ChatTemplate() = default;  // plain ChatML
    // `jinja` is tokenizer.chat_template, empty when the model has none.
    static ChatTemplate from_jinja(std::string_view jinja);

    bool is_supported() const { return supported_; }
    const std::string& default_system_prompt() const { return default_system_prompt_; }

    // The prompt text; add_assistant_prompt ends it with "<|im_start|>assistant\n" for the reply. Throws
    // tokenizer::Error when the model's template is not ChatML.
    std::string apply(const std::vector<ChatMessage>& messages, bool add_assistant_prompt) const;

private:
    bool supported_ = true;
    std::string default_system_prompt_;  // empty: none
};

}  // namespace tokenizer
