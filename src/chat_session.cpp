#include "src/chat_session.h"

#include <algorithm>

namespace runtime {

ChatSession::ChatSession(Transformer& transformer, const tokenizer::Tokenizer& tokenizer, Sampler& sampler,
                         GenerationOptions options, std::string system_prompt)
    : transformer_(transformer), tokenizer_(tokenizer), sampler_(sampler),
      generator_(transformer, tokenizer, sampler, std::move(options)) {
    if (!system_prompt.empty()) history_.push_back({"system", std::move(system_prompt)});
}

GenerationStats ChatSession::reply(const std::string& user_message, const GenerationSink& sink) {
    history_.push_back({"user", user_message});
    const std::vector<int32_t> chat =
        tokenizer_.encode(tokenizer_.apply_chat_template(history_, true), /*add_special=*/true, /*parse_special=*/true);
    const bool continues = cached_.size() <= chat.size() && std::equal(cached_.begin(), cached_.end(), chat.begin());
    if (!continues) {
        transformer_.reset();
        sampler_.reset_history();
        cached_.clear();
    }
    const std::vector<int32_t> fresh(chat.begin() + static_cast<std::ptrdiff_t>(cached_.size()), chat.end());

    std::vector<int32_t> generated;
    std::string text;
    const GenerationStats stats = generator_.generate(fresh, {[&](std::string_view t) {
                                                                  text.append(t);
                                                                  sink.text(t);
                                                              },
                                                              [&](int32_t id) {
                                                                  generated.push_back(id);
                                                                  sink.token(id);
                                                              }});
    cached_.insert(cached_.end(), fresh.begin(), fresh.end());
    cached_.insert(cached_.end(), generated.begin(), generated.begin() + static_cast<std::ptrdiff_t>(stats.decode_steps));
    history_.push_back({"assistant", text});
    return stats;
}

}  // namespace runtime
