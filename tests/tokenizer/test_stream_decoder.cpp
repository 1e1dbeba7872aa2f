// Streaming decode holds incomplete UTF-8 characters and never returns broken text.
#include <catch2/catch.hpp>

#include "gguf/gguf_file.h"
#include "support/shared_data.h"
#include "tokenizer/stream_decoder.h"
#include "tokenizer/tokenizer.h"

using tokenizer::StreamDecoder;
using tokenizer::Tokenizer;
using tokenizer::TokenId;

namespace {

// stories260K's byte tokens: <0xNN> is id 3 + NN.
TokenId byte_token(uint8_t byte) { return 3 + byte; }

}  // namespace

TEST_CASE("stream decoder: a character split over byte tokens comes out whole, once", "[tokenizer][stream]") {
    SKIP_WITHOUT_SHARED();
    const Tokenizer tok = Tokenizer::from_gguf(gguf::File::open(test::shared_path("models/stories260K.gguf")));
    REQUIRE(tok.token_text(byte_token(0xC3)) == "<0xC3>");
    StreamDecoder stream(tok);
    CHECK(stream.push(byte_token(0xF0)).empty());  // 🦙 = F0 9F A6 99
    CHECK(stream.push(byte_token(0x9F)).empty());
    CHECK(stream.push(byte_token(0xA6)).empty());
    CHECK(stream.push(byte_token(0x99)) == "\xF0\x9F\xA6\x99");
    CHECK(stream.push(byte_token('a')) == "a");
    CHECK(stream.flush().empty());
}

TEST_CASE("stream decoder: invalid bytes become U+FFFD, a dangling lead byte on flush too", "[tokenizer][stream]") {
    SKIP_WITHOUT_SHARED();
    const Tokenizer tok = Tokenizer::from_gguf(gguf::File::open(test::shared_path("models/stories260K.gguf")));
    StreamDecoder stream(tok);
    CHECK(stream.push(byte_token(0xFF)) == "\xEF\xBF\xBD");
    CHECK(stream.push(byte_token(0xC3)).empty());
    CHECK(stream.push(byte_token('x')) == "\xEF\xBF\xBDx");  // C3 not followed by a continuation byte
    CHECK(stream.push(byte_token(0xED)).empty());
    CHECK(stream.push(byte_token(0xA0)) == "\xEF\xBF\xBD\xEF\xBF\xBD");  // a surrogate is not text
    CHECK(stream.push(byte_token(0xE2)).empty());
    CHECK(stream.push(byte_token(0x82)).empty());
    CHECK(stream.flush() == "\xEF\xBF\xBD");
    CHECK(stream.push(2).empty());  // </s>: control tokens print nothing
}

TEST_CASE("stream decoder: the pieces of a byte-level BPE encoding stream back to the text", "[tokenizer][stream]") {
    SKIP_WITHOUT_SHARED();
    const Tokenizer tok = Tokenizer::from_gguf(gguf::File::open(test::shared_path("models/quant/bpe-smollm-Q8_0.gguf")));
    const std::string text = "Llamas \xF0\x9F\xA6\x99 and \xE4\xB8\xAD\xE6\x96\x87, caf\xC3\xA9 \xE1\x9E\x80\xE1\x9E\xB6!";
    StreamDecoder stream(tok);
    std::string out;
    bool held_a_partial_character = false;
    for (TokenId id : tok.encode(text, false)) {
        const std::string part = stream.push(id);
        held_a_partial_character |= part.size() < tok.token_to_piece(id).size();
        out += part;
    }
    out += stream.flush();
    CHECK(out == text);
    CHECK(held_a_partial_character);  // the emoji and CJK characters are split over byte-level tokens
}

TEST_CASE("stream decoder: the first piece loses its leading space as in decode(), flush starts a new text",
          "[tokenizer][stream]") {
    SKIP_WITHOUT_SHARED();
    const Tokenizer tok = Tokenizer::from_gguf(gguf::File::open(test::shared_path("models/stories260K.gguf")));
    REQUIRE(tok.strips_leading_space());
    const auto ids = tok.encode("Once upon", false);
    StreamDecoder stream(tok);
    for (int text = 0; text < 2; ++text) {
        std::string out;
        for (TokenId id : ids) out += stream.push(id);
        out += stream.flush();
        CHECK(out == "Once upon");
        CHECK(out == tok.decode(ids));
    }
}
