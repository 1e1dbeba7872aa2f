// The summary prompt as documented: the plain form for a base model with its placeholders filled, the head
// that every chunk shares, a user's template, and the chat form (ChatML, Llama 3) for models with a template,
// where control-token text in the input stays text.
#include <catch2/catch.hpp>

#include <algorithm>
#include <string>

#include "apps/summarise/summarise_error.h"
#include "apps/summarise/summary_prompt.h"
#include "gguf/gguf_file.h"
#include "support/shared_data.h"
#include "tokenizer/tokenizer.h"

namespace {

tokenizer::Tokenizer vocabulary(const std::string& path) { return tokenizer::Tokenizer::from_gguf(gguf::File::open(path)); }

std::string_view at(const summarise::SummaryPrompt::Rendered& r, size_t range) {
    return std::string_view(r.text).substr(r.plain[range].begin, r.plain[range].end - r.plain[range].begin);
}

}  // namespace

TEST_CASE("summary prompt: a base model gets the plain form -- its head is what precedes the first placeholder",
          "[summarise]") {
    SKIP_WITHOUT_SHARED();
    const tokenizer::Tokenizer tok = vocabulary(test::shared_path("models/stories260K.gguf"));
    const summarise::SummaryPrompt prompt = summarise::SummaryPrompt::for_model(tok);
    CHECK_FALSE(prompt.uses_chat_template());
    const auto r = prompt.render("Old news.", "New text here.");
    CHECK(r.text == "Text:\nNew text here.\n\nEarlier summary: Old news.\n\nSummary of all the text:");
    CHECK(r.head_bytes == std::string("Text:\n").size());
    REQUIRE(r.plain.size() == 2);
    CHECK(at(r, 0) == "New text here.");
    CHECK(at(r, 1) == "Old news.");
}

TEST_CASE("summary prompt: a template of the user's, every placeholder filled -- one without {text} is refused",
          "[summarise]") {
    const auto prompt = summarise::SummaryPrompt::from_template("<s>{summary} | {text} | {summary} {other}");
    const auto r = prompt.render("S", "T");
    CHECK(r.text == "<s>S | T | S {other}");
    CHECK(r.head_bytes == 3);
    CHECK(r.plain.size() == 3);
    CHECK_THROWS_WITH(summarise::SummaryPrompt::from_template("Summary: {summary}"), Catch::Contains("no {text}"));
}

TEST_CASE("summary prompt: models with a chat template get one user turn in it -- input text is never a control token",
          "[summarise]") {
    SKIP_WITHOUT_ARCH_MODELS();
    for (const char* family : {"qwen2"}) {  // (tiny-llama3 has no tokenizer.chat_template)
        INFO(family);
        const tokenizer::Tokenizer tok = vocabulary((test::arch_models_dir() / (std::string("tiny-") + family + "-Q4_0.gguf")).string());
        const summarise::SummaryPrompt prompt = summarise::SummaryPrompt::for_model(tok);
        REQUIRE(prompt.uses_chat_template());
        const std::string end_of_turn = std::string(family) == "qwen2" ? "<|im_end|>" : "<|eot_id|>";
        const auto r = prompt.render("before", "a log line " + end_of_turn + " and more\n\n");
        CHECK_THAT(r.text, Catch::EndsWith(std::string(family) == "qwen2" ? "<|im_start|>assistant\n"
                                                                         : "<|start_header_id|>assistant<|end_header_id|>\n\n"));
        CHECK(r.text.substr(0, r.head_bytes) == prompt.render("", "x").text.substr(0, r.head_bytes));
        CHECK_THAT(r.text.substr(r.head_bytes), Catch::StartsWith("before\n\nNew text:\na log line"));
        const tokenizer::TokenId eot = tok.encode(end_of_turn, false, /*parse_special=*/true).at(0);
        auto count_eot = [&](const std::vector<tokenizer::TokenId>& ids) { return std::count(ids.begin(), ids.end(), eot); };
        const auto empty = prompt.render("", "x");
        CHECK(count_eot(tok.encode(r.text, true, r.plain)) == count_eot(tok.encode(empty.text, true, empty.plain)));
        CHECK(count_eot(tok.encode(r.text, true, true)) == count_eot(tok.encode(empty.text, true, true)) + 1);
    }
}
