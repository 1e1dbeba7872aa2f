// ChatML prompts, and the model's template taken when it is ChatML-shaped.
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

TEST_CASE("chat template: a template of another shape is refused when applied", "[tokenizer][chat]") {
    SKIP_WITHOUT_SHARED();
    const auto tok = tokenizer::Tokenizer::from_gguf(gguf::File::open(test::shared_path("models/vocab/ggml-vocab-phi-3.gguf")));
    CHECK_FALSE(tok.chat_template().is_supported());
    CHECK_THROWS_WITH(tok.apply_chat_template({{"user", "Hi"}}, true), Catch::Contains("not ChatML"));
    const auto bpe = tokenizer::Tokenizer::from_gguf(gguf::File::open(test::shared_path("models/quant/bpe-smollm-Q8_0.gguf")));
    CHECK(bpe.apply_chat_template({{"user", "Hi"}}, true) == "<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n");
}
