#include <string>
#include <vector>

#include "fuzz/targets/targets.h"
#include "tokenizer/chat_template.h"

namespace fuzz {

// NUL-separated: the template, then role, content, role, content...
void run_chat_template(const uint8_t* data, size_t size) {
    std::vector<std::string> parts(1);
    for (size_t i = 0; i < size; ++i) {
        if (data[i] == 0) parts.emplace_back();
        else parts.back().push_back(static_cast<char>(data[i]));
    }
    std::vector<tokenizer::ChatMessage> messages;
    for (size_t i = 1; i + 1 < parts.size(); i += 2) messages.push_back({parts[i], parts[i + 1]});
    const tokenizer::ChatTemplate chat = tokenizer::ChatTemplate::from_jinja(parts[0]);
    try {
        chat.apply(messages, size % 2 == 0);
    } catch (const std::runtime_error&) {  // a template of another family
    }
}

}  // namespace fuzz
