// A conversation with an instruction-tuned model (`run --chat`, `run -i`): each user turn is added to the
// history, the whole chat is rendered with the model's ChatML template, and only the tokens the KV cache does
// not hold yet are fed (the cache is rebuilt when the rendered chat no longer starts with what it holds).
#pragma once

#include <string>
#include <vector>

#include "src/generation.h"

namespace runtime {

class ChatSession {
public:
    // system_prompt "" lets the template insert its default one (SmolLM2's, or none).
    ChatSession(Transformer& transformer, const tokenizer::Tokenizer& tokenizer, Sampler& sampler,
                GenerationOptions options, std::string system_prompt);

    // Generates the assistant's reply to `user_message`, streaming it to the sink.
    GenerationStats reply(const std::string& user_message, const GenerationSink& sink);

    const std::vector<tokenizer::ChatMessage>& history() const { return history_; }

private:
    Transformer& transformer_;
    const tokenizer::Tokenizer& tokenizer_;
    Sampler& sampler_;
    Generator generator_;
    std::vector<tokenizer::ChatMessage> history_;
    std::vector<int32_t> cached_;  // the tokens the transformer holds, in order
};

}  // namespace runtime
