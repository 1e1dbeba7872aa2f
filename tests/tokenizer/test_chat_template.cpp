// ChatML and Llama 3 prompts, and the model's template taken when it has one of those shapes.
#include <catch2/catch.hpp>

#include "gguf/gguf_file.h"
#include "support/shared_data.h"
#include "tokenizer/chat_template.h"
#include "tokenizer/tokenizer.h"

using tokenizer::ChatMessage;
using tokenizer::ChatTemplate;

namespace {

// SmolLM2-Instruct's tokenizer.chat_template (HuggingFaceTB/SmolLM2-135M-Instruct, tokenizer_config.json).
const std::string kSmolLM2Template =
    "{% for message in messages %}{% if loop.first and messages[0]['role'] != 'system' %}"
    "{{ '<|im_start|>system\nYou are a helpful AI assistant named SmolLM, trained by Hugging Face<|im_end|>\n' }}"
    "{% endif %}{{'<|im_start|>' + message['role'] + '\n' + message['content'] + '<|im_end|>' + '\n'}}"
    "{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\n' }}{% endif %}";

}  // namespace

TEST_CASE("chat template: plain ChatML without a model template", "[tokenizer][chat]") {
    const ChatTemplate chatml;
    CHECK(chatml.apply({{"user", "Hi"}}, true) == "<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n");
    CHECK(chatml.apply({{"system", "Be brief."}, {"user", "Hi"}, {"assistant", "Hello!"}}, false) ==
          "<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n"
          "<|im_start|>assistant\nHello!<|im_end|>\n");
    CHECK(ChatTemplate::from_jinja("").is_supported());
    CHECK_FALSE(ChatTemplate::from_jinja("").from_model());
    CHECK(ChatTemplate::from_jinja(kSmolLM2Template).from_model());
    CHECK(ChatTemplate::from_jinja("{{ messages }}").from_model());  // the model's, if unsupported
}

TEST_CASE("chat template: SmolLM2's template adds its default system prompt when the chat has none",
          "[tokenizer][chat]") {
    const ChatTemplate smol = ChatTemplate::from_jinja(kSmolLM2Template);
    REQUIRE(smol.is_supported());
    CHECK(smol.default_system_prompt() == "You are a helpful AI assistant named SmolLM, trained by Hugging Face");
    CHECK(smol.apply({{"user", "What is 2+2?"}}, true) ==
          "<|im_start|>system\nYou are a helpful AI assistant named SmolLM, trained by Hugging Face<|im_end|>\n"
          "<|im_start|>user\nWhat is 2+2?<|im_end|>\n<|im_start|>assistant\n");
    CHECK(smol.apply({{"system", "Answer in French."}, {"user", "Hi"}}, false) ==
          "<|im_start|>system\nAnswer in French.<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n");
    // A template whose system turn copies the message is ChatML without a default prompt.
    const ChatTemplate copying = ChatTemplate::from_jinja(
        "{% for m in messages %}{{'<|im_start|>' + m['role'] + '\n' + m['content'] + '<|im_end|>\n'}}{% endfor %}");
    CHECK(copying.is_supported());
    CHECK(copying.default_system_prompt().empty());
}

TEST_CASE("chat template: Llama 3's, as llama.cpp writes it (its test-chat-template conversation)", "[tokenizer][chat]") {
    // Meta-Llama-3's tokenizer.chat_template, as llama.cpp's tests/test-chat-template.cpp carries it
    const ChatTemplate llama3 = ChatTemplate::from_jinja(
        "{% set loop_messages = messages %}{% for message in loop_messages %}{% set content = "
        "'<|start_header_id|>' + message['role'] + '<|end_header_id|>\n\n'+ message['content'] | trim + "
        "'<|eot_id|>' %}{% if loop.index0 == 0 %}{% set content = bos_token + content %}{% endif %}{{ content }}"
        "{% endfor %}{{ '<|start_header_id|>assistant<|end_header_id|>\n\n' }}");
    REQUIRE(llama3.is_supported());
    CHECK(llama3.default_system_prompt().empty());
    // llama.cpp's expected output for that template and conversation (the spaces around the fifth message trimmed)
    CHECK(llama3.apply({{"system", "You are a helpful assistant"}, {"user", "Hello"}, {"assistant", "Hi there"},
                        {"user", "Who are you"}, {"assistant", "   I am an assistant   "}, {"user", "Another question"}},
                       true) ==
          "<|start_header_id|>system<|end_header_id|>\n\nYou are a helpful assistant<|eot_id|><|start_header_id|>user"
          "<|end_header_id|>\n\nHello<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\nHi there<|eot_id|>"
          "<|start_header_id|>user<|end_header_id|>\n\nWho are you<|eot_id|><|start_header_id|>assistant"
          "<|end_header_id|>\n\nI am an assistant<|eot_id|><|start_header_id|>user<|end_header_id|>\n\nAnother "
          "question<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\n");
    CHECK(llama3.apply({{"user", "\n Hi \t"}}, false) == "<|start_header_id|>user<|end_header_id|>\n\nHi<|eot_id|>");
}

TEST_CASE("chat template: a template of another shape is refused when applied", "[tokenizer][chat]") {
    SKIP_WITHOUT_SHARED();
    const auto tok = tokenizer::Tokenizer::from_gguf(gguf::File::open(test::shared_path("models/vocab/ggml-vocab-phi-3.gguf")));
    CHECK_FALSE(tok.chat_template().is_supported());
    CHECK_THROWS_WITH(tok.apply_chat_template({{"user", "Hi"}}, true), Catch::Contains("neither ChatML nor Llama 3"));
    const auto bpe = tokenizer::Tokenizer::from_gguf(gguf::File::open(test::shared_path("models/quant/bpe-smollm-Q8_0.gguf")));
    CHECK(bpe.apply_chat_template({{"user", "Hi"}}, true) == "<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n");
}
