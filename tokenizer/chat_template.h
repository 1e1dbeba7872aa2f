// The chat prompt of instruction-tuned models: ChatML, as SmolLM2-Instruct (and Qwen2, ...) use it,
//
//   <|im_start|>system\nYou are ...<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n
//
// or Llama 3's (each message's content trimmed, as llama.cpp does):
//
//   <|start_header_id|>user<|end_header_id|>\n\nHi<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\n
//
// Templates are not run as Jinja: they are told apart as llama.cpp tells them apart. A tokenizer.chat_template
// that writes <|im_start|> and <|im_end|> is taken as ChatML, with the default system prompt it inserts when
// the chat has none (SmolLM2: "You are a helpful AI assistant named SmolLM, trained by Hugging Face"); one that
// writes <|start_header_id|> and <|end_header_id|> as Llama 3's. A model without a template gets plain ChatML,
// as llama.cpp does; any other template is reported as unsupported when applied.
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
    bool from_model() const { return from_model_; }  // the model has a template (else: plain ChatML)
    const std::string& default_system_prompt() const { return default_system_prompt_; }

    // The prompt text; add_assistant_prompt ends it with the opening of the assistant's turn for the reply.
    // Throws tokenizer::Error when the model's template is neither ChatML nor Llama 3's.
    std::string apply(const std::vector<ChatMessage>& messages, bool add_assistant_prompt) const;

private:
    enum class Style { ChatML, Llama3 };
    Style style_ = Style::ChatML;
    bool supported_ = true;
    bool from_model_ = false;
    std::string default_system_prompt_;  // empty: none
};

}  // namespace tokenizer
