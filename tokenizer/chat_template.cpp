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

constexpr std::string_view kHeaderStart = "<|start_header_id|>";
constexpr std::string_view kHeaderEnd = "<|end_header_id|>";

std::string_view trimmed(std::string_view s) {
    constexpr std::string_view kSpace = " \t\n\r\f\v";
    const size_t first = s.find_first_not_of(kSpace);
    if (first == std::string_view::npos) return {};
    return s.substr(first, s.find_last_not_of(kSpace) - first + 1);
}

void append_llama3_header(std::string& out, std::string_view role) {
    out.append(kHeaderStart).append(role).append(kHeaderEnd).append("\n\n");
}

}  // namespace

ChatTemplate ChatTemplate::from_jinja(std::string_view jinja) {
    ChatTemplate t;
    if (jinja.empty()) return t;
    t.from_model_ = true;
    auto writes = [&](std::string_view a, std::string_view b) {
        return jinja.find(a) != std::string_view::npos && jinja.find(b) != std::string_view::npos;
    };
    if (writes(kStart, kEnd)) {
        t.default_system_prompt_ = literal_system_prompt(jinja);
    } else if (writes(kHeaderStart, kHeaderEnd)) {
        t.style_ = Style::Llama3;
    } else {
        t.supported_ = false;
    }
    return t;
}

std::string ChatTemplate::apply(const std::vector<ChatMessage>& messages, bool add_assistant_prompt) const {
    if (!supported_)
        throw Error("the model's chat template (tokenizer.chat_template) is neither ChatML nor Llama 3's, the two "
                    "supported");
    std::string out;
    if (style_ == Style::Llama3) {
        for (const ChatMessage& m : messages) {
            append_llama3_header(out, m.role);
            out.append(trimmed(m.content)).append("<|eot_id|>");
        }
        if (add_assistant_prompt) append_llama3_header(out, "assistant");
        return out;
    }
    if (!default_system_prompt_.empty() && !messages.empty() && messages.front().role != "system")
        append_turn(out, "system", default_system_prompt_);
    for (const ChatMessage& m : messages) append_turn(out, m.role, m.content);
    if (add_assistant_prompt) out.append(kStart).append("assistant\n");
    return out;
}

}  // namespace tokenizer
