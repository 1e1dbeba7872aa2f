// The chunker on the reference vocabularies (SentencePiece and byte-level BPE): chunks within the limit that
// put the input back together exactly, cut at the best kind of boundary there is, never inside a UTF-8
// character or (BPE) a token of the whole text, and nothing cut before more than a chunk waits.
#include <catch2/catch.hpp>

#include <algorithm>
#include <string>
#include <vector>

#include "apps/summarise/chunker.h"
#include "gguf/gguf_file.h"
#include "support/shared_data.h"
#include "support/splitmix64.h"
#include "tokenizer/tokenizer.h"

namespace {

tokenizer::Tokenizer vocabulary(const char* model) {
    return tokenizer::Tokenizer::from_gguf(gguf::File::open(test::shared_path(model)));
}

// Every chunk `text` gives, pushed in pieces of 1..97 bytes and taken as soon as they are ready, then flushed.
std::vector<summarise::Chunk> chunks_of(const tokenizer::Tokenizer& tok, const std::string& text, size_t max_tokens) {
    summarise::Chunker chunker(tok, max_tokens);
    std::vector<summarise::Chunk> out;
    test::SplitMix64 rng(5);
    for (size_t at = 0; at < text.size();) {
        const size_t n = std::min(text.size() - at, 1 + rng.next() % 97);
        chunker.push(std::string_view(text).substr(at, n));
        at += n;
        while (auto c = chunker.next(false)) out.push_back(*c);
    }
    while (auto c = chunker.next(true)) out.push_back(*c);
    return out;
}

std::string joined(const std::vector<summarise::Chunk>& chunks) {
    std::string all;
    for (const summarise::Chunk& c : chunks) all += c.text;
    return all;
}

// Paragraphs of three sentences of five words (six tokens with the full stop), a line break after the second.
std::string prose(size_t paragraphs) {
    test::SplitMix64 rng(11);
    const char* words[] = {"the", "cat", "sat", "on", "a", "warm", "mat", "and", "looked", "at", "birds", "outside"};
    std::string text;
    for (size_t p = 0; p < paragraphs; ++p) {
        for (size_t s = 0; s < 3; ++s) {
            for (size_t w = 0; w < 5; ++w) text += std::string(w ? " " : "") + words[rng.next() % 12];
            text += s == 1 ? ".\n" : s == 2 ? "." : ". ";
        }
        text += "\n\n";
    }
    return text;
}

}  // namespace

TEST_CASE("chunker: chunks within the limit, as they tokenize alone, put the input back together", "[summarise]") {
    SKIP_WITHOUT_SHARED();
    for (const char* model : {"models/stories260K.gguf", "models/quant/bpe-smollm-Q4_0.gguf"}) {
        const tokenizer::Tokenizer tok = vocabulary(model);
        const std::string text = prose(40);
        for (size_t limit : {7, 60, 200}) {
            INFO(model << ", " << limit << " tokens");
            const std::vector<summarise::Chunk> chunks = chunks_of(tok, text, limit);
            CHECK(joined(chunks) == text);
            CHECK(chunks.size() >= tok.encode(text, false).size() / limit);
            for (const summarise::Chunk& c : chunks) {
                CHECK(c.tokens == tok.encode(c.text, false).size());
                CHECK(c.tokens <= limit);
            }
        }
    }
}

TEST_CASE("chunker: a chunk ends at a paragraph when one is in its second half, else at a sentence, a line, a word",
          "[summarise]") {
    SKIP_WITHOUT_SHARED();
    const tokenizer::Tokenizer tok = vocabulary("models/quant/bpe-smollm-Q4_0.gguf");
    // Paragraphs of about 20 tokens: a chunk of 100 has paragraph ends in its second half; one of 12 has none,
    // but a sentence's or a line's.
    const std::string text = prose(30);
    std::vector<summarise::Chunk> chunks = chunks_of(tok, text, 100);
    chunks.pop_back();  // the rest at the end of input
    for (const summarise::Chunk& c : chunks) CHECK_THAT(c.text, Catch::EndsWith(".\n\n"));
    chunks = chunks_of(tok, text, 12);
    chunks.pop_back();
    for (const summarise::Chunk& c : chunks) {
        INFO(c.text);
        const char last = c.text.back();
        CHECK((last == '.' || last == '\n'));
    }
    std::string words;
    for (int i = 0; i < 300; ++i) words += i ? " word" : "word";
    chunks = chunks_of(tok, words, 25);
    chunks.pop_back();
    for (const summarise::Chunk& c : chunks) CHECK_THAT(c.text, Catch::EndsWith("word"));
}

TEST_CASE("chunker: never cuts inside a UTF-8 character, nor (byte-level BPE) inside a token of the whole text",
          "[summarise]") {
    SKIP_WITHOUT_SHARED();
    std::string text;
    for (int i = 0; i < 400; ++i) text += i % 7 ? "日本語のテキスト" : "ok — 😀";  // no spaces to cut at for long stretches
    for (const char* model : {"models/stories260K.gguf", "models/quant/bpe-smollm-Q4_0.gguf"}) {
        INFO(model);
        const tokenizer::Tokenizer tok = vocabulary(model);
        const std::vector<summarise::Chunk> chunks = chunks_of(tok, text, 50);
        REQUIRE(joined(chunks) == text);
        std::vector<size_t> token_ends;
        size_t at = 0;
        for (tokenizer::TokenId id : tok.encode(text, false)) token_ends.push_back(at += tok.token_to_piece(id).size());
        at = 0;
        for (const summarise::Chunk& c : chunks) {
            CHECK((static_cast<unsigned char>(c.text.front()) & 0xC0) != 0x80);  // starts a character
            at += c.text.size();
            if (tok.type() == tokenizer::VocabType::Bpe && at < text.size())
                CHECK(std::find(token_ends.begin(), token_ends.end(), at) != token_ends.end());
        }
    }
}

TEST_CASE("chunker: text that may still grow waits -- flush gives the rest, a cut character included", "[summarise]") {
    SKIP_WITHOUT_SHARED();
    const tokenizer::Tokenizer tok = vocabulary("models/quant/bpe-smollm-Q4_0.gguf");
    summarise::Chunker chunker(tok, 8);
    chunker.push("one two three four five six seven");  // 7 tokens
    CHECK_FALSE(chunker.next(false));
    chunker.push(" eight nine ten");
    const auto first = chunker.next(false);
    REQUIRE(first);
    CHECK(first->text == "one two three four five six seven eight");
    CHECK_FALSE(chunker.next(false));  // " nine ten" may still grow
    chunker.push("\xE6\x97");          // the first two bytes of 日
    const auto rest = chunker.next(true);
    REQUIRE(rest);
    CHECK(rest->text == " nine ten\xE6\x97");
    CHECK_FALSE(chunker.next(true));
}
