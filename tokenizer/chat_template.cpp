#include "tokenizer/chat_template.h"

#include "tokenizer/tokenizer_error.h"

namespace tokenizer {

namespace {

constexpr std::string_view kStart = "<|im_start|>";
constexpr std::string_view kEnd = "<|im_end|>";

// The literal system prompt a template writes as "<|im_start|>system\n...<|im_end|>" (newline written as is
// or as the escape \n), or "" when its system turn is not a literal (e.g. it copies message['content']).
std::string literal_system_prompt(std::string_view jinja) {
    for (std::string_view newline : {"\n", "\\n"}) {
        const std::string opening = std::string(kStart) + "system" + std::string(newline);
        const size_t begin = jinja.find(opening);
        if (begin == std::string_view::npos) continue;
        const size_t content = begin + opening.size();
        const size_t end = jinja.find(kEnd, content);
        if (end == std::string_view::npos) return "";
        std::string prompt(jinja.substr(content, end - content));
        if (prompt.find_first_of("{}'\"+") != std::string::npos) return "";
        for (size_t pos = 0; (pos = prompt.find("\\n", pos)) != std::string::npos;) prompt.replace(pos, 2, "\n");
        return prompt;
    }
    return "";
}

void append_turn(std::string& out, std::string_view role, std::string_view content) {
    out.append(kStart).append(role).append("\n").append(content).append(kEnd).append("\n");
}

}  // namespace

ChatTemplate ChatTemplate::from_jinja(std::string_view jinja) {
    ChatTemplate t;
    if (jinja.empty()) return t;
    t.supported_ = jinja.find(kStart) != std::string_view::npos && jinja.find(kEnd) != std::string_view::npos;
    if (t.supported_) t.default_system_prompt_ = literal_system_prompt(jinja);
    return t;
}

std::string ChatTemplate::apply(const std::vector<ChatMessage>& messages, bool add_assistant_prompt) const {
    if (!supported_) throw Error("the model's chat template (tokenizer.chat_template) is not ChatML; only ChatML is supported");
    std::string out;
    if (!default_system_prompt_.empty() && !messages.empty() && messages.front().role != "system")
        append_turn(out, "system", default_system_prompt_);
    for (const ChatMessage& m : messages) append_turn(out, m.role, m.content);
    if (add_assistant_prompt) out.append(kStart).append("assistant\n");
    return out;
}

}  // namespace tokenizer
