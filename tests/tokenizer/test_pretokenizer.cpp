// The pre-tokenizers split text as llama.cpp's regexes do; expectations worked out by hand from the regexes.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "tokenizer/pretokenizer.h"

using tokenizer::PreTokenizer;

namespace {

std::vector<std::string> words(PreTokenizer kind, const std::string& text) {
    std::vector<std::string> out;
    for (const auto& span : tokenizer::pre_tokenize(kind, text)) out.push_back(text.substr(span.begin, span.end - span.begin));
    return out;
}

using Words = std::vector<std::string>;

}  // namespace

TEST_CASE("pretokenizer: GPT-2 regex: contractions, optional space, a whitespace run leaves its last space",
          "[tokenizer][pretokenizer]") {
    CHECK(words(PreTokenizer::Gpt2, "Hello world's  123abc!!") ==
          Words{"Hello", " world", "'s", " ", " 123", "abc", "!!"});
    CHECK(words(PreTokenizer::Gpt2, "I'LL go\n\n") == Words{"I", "'", "LL", " go", "\n\n"});  // case-sensitive
    CHECK(words(PreTokenizer::Gpt2, "a\xE3\x80\x80\xE3\x80\x80" "b") ==  // U+3000 is whitespace but not ' '
          Words{"a", "\xE3\x80\x80", "\xE3\x80\x80", "b"});
    CHECK(words(PreTokenizer::Gpt2, "").empty());
}

TEST_CASE("pretokenizer: StarCoder/SmolLM split every digit before the GPT-2 regex", "[tokenizer][pretokenizer]") {
    CHECK(words(PreTokenizer::StarCoder, "a 123") == Words{"a", " ", "1", "2", "3"});
    CHECK(words(PreTokenizer::StarCoder, "x\xD9\xA3y") == Words{"x", "\xD9\xA3", "y"});  // ٣ is \p{N}
}

TEST_CASE("pretokenizer: Llama-3 and Qwen2 regexes", "[tokenizer][pretokenizer]") {
    CHECK(words(PreTokenizer::Llama3, "I'VE 12345 ok\n\n  x") ==
          Words{"I", "'VE", " ", "123", "45", " ok", "\n\n", " ", " x"});
    CHECK(words(PreTokenizer::Llama3, "(hi)...\r\nyo") == Words{"(hi", ")...\r\n", "yo"});
    CHECK(words(PreTokenizer::Qwen2, "v12345") == Words{"v", "1", "2", "3", "4", "5"});
}

TEST_CASE("pretokenizer: Falcon and the default set", "[tokenizer][pretokenizer]") {
    CHECK(words(PreTokenizer::Falcon, "a+=b 12345") == Words{"a", "+=", "b", " ", "123", "45"});
    CHECK(words(PreTokenizer::Default, "Hello, 1234") == Words{"Hello", ",", " ", "123", "4"});
}

TEST_CASE("pretokenizer: DeepSeek character classes", "[tokenizer][pretokenizer]") {
    // The letter class holds U+212A KELVIN SIGN, not K: ASCII punctuation is no letter.
    CHECK(words(PreTokenizer::DeepseekLlm, "x],'y") == Words{"x", "],'", "y"});
    CHECK(words(PreTokenizer::DeepseekLlm, "a[b") == Words{"a", "[", "b"});
    // [一-龥ࠀ-一가-퟿]+ (U+0800..U+9FA5) isolates the Kelvin sign again.
    CHECK(words(PreTokenizer::DeepseekLlm, "a\xE2\x84\xAA" "b") == Words{"a", "\xE2\x84\xAA", "b"});
    CHECK(words(PreTokenizer::DeepseekLlm, "\xE4\xB8\xAD\xE6\x96\x87 ab  ") ==
          Words{"\xE4\xB8\xAD\xE6\x96\x87", " ab", "  "});
    CHECK(words(PreTokenizer::DeepseekCoder, "foo(bar) 12") == Words{"foo", "(", "bar", ")", " ", "1", "2"});
}
