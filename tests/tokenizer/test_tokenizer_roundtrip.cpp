// Encode -> decode round trips on seeded random text and random bytes, for byte-level BPE and SentencePiece.
#include <catch2/catch.hpp>

#include <algorithm>
#include <array>
#include <random>
#include <set>

#include "gguf/gguf_file.h"
#include "support/shared_data.h"
#include "support/vocab_vectors.h"
#include "tokenizer/byte_encoding.h"
#include "tokenizer/clean_spaces.h"
#include "tokenizer/tokenizer.h"
#include "tokenizer/unicode.h"

using tokenizer::Tokenizer;
using tokenizer::TokenId;

namespace {

constexpr int kStrings = 300;

// Valid UTF-8: ASCII-heavy, with spaces and newlines, and code points from every plane (no surrogates).
std::string random_utf8(std::mt19937& rng) {
    std::string s;
    const int n = std::uniform_int_distribution<int>(0, 40)(rng);
    for (int i = 0; i < n; ++i) {
        uint32_t cp = 0;
        switch (std::uniform_int_distribution<int>(0, 5)(rng)) {
            case 0: cp = std::uniform_int_distribution<uint32_t>(0x20, 0x7E)(rng); break;
            case 1: cp = " \n\t\r"[std::uniform_int_distribution<int>(0, 3)(rng)]; break;
            case 2: cp = std::uniform_int_distribution<uint32_t>(0x80, 0x7FF)(rng); break;
            case 3: cp = std::uniform_int_distribution<uint32_t>(0x800, 0xFFFF)(rng); break;
            case 4: cp = std::uniform_int_distribution<uint32_t>(0x10000, 0x10FFFF)(rng); break;
            default: cp = std::uniform_int_distribution<uint32_t>(0, 0x7F)(rng); break;
        }
        if (cp >= 0xD800 && cp <= 0xDFFF) cp = 'x';
        tokenizer::append_utf8(s, cp);
    }
    return s;
}

std::string random_bytes(std::mt19937& rng) {
    std::string s(std::uniform_int_distribution<size_t>(0, 40)(rng), '\0');
    for (char& c : s) c = static_cast<char>(std::uniform_int_distribution<int>(0, 255)(rng));
    return s;
}

std::string replace_all(std::string s, const std::string& from, const std::string& to) {
    for (size_t pos = 0; (pos = s.find(from, pos)) != std::string::npos; pos += to.size()) s.replace(pos, from.size(), to);
    return s;
}

Tokenizer load(const std::string& relative) {
    return Tokenizer::from_gguf(gguf::File::open(test::shared_path(relative)));
}

// The bytes a byte-level vocabulary can spell: those with a token for their one-byte spelling. Others are
// dropped by the encoder, as by llama.cpp (StarCoder's vocabulary, and so SmolLM2's test model, lacks 0xF1).
std::array<bool, 256> spellable_bytes(const Tokenizer& tok) {
    std::set<std::string> texts;
    for (size_t id = 0; id < tok.n_vocab(); ++id) texts.insert(tok.token_text(static_cast<TokenId>(id)));
    std::array<bool, 256> spellable{};
    for (int b = 0; b < 256; ++b) spellable[b] = texts.count(tokenizer::encode_bytes(std::string(1, static_cast<char>(b)))) > 0;
    return spellable;
}

void check_ids_in_range(const Tokenizer& tok, const std::vector<TokenId>& ids) {
    for (TokenId id : ids) REQUIRE((id >= 0 && static_cast<size_t>(id) < tok.n_vocab()));
}

}  // namespace

TEST_CASE("tokenizer round trip, byte-level BPE: decode(encode(t)) is t, sanitized and space-cleaned as the vocab says",
          "[tokenizer][fuzz]") {
    SKIP_WITHOUT_SHARED();
    // smollm: no space clean-up; gpt-2: clean-up; mpt: user-defined whitespace tokens.
    const std::string model = GENERATE(as<std::string>{}, "models/quant/bpe-smollm-Q8_0.gguf",
                                       "models/vocab/ggml-vocab-gpt-2.gguf", "models/vocab/ggml-vocab-mpt.gguf");
    const Tokenizer tok = load(model);
    const bool cleans = tok.decode(tok.encode("a .", false)) == "a.";
    CHECK(cleans == (model.find("smollm") == std::string::npos));
    const std::array<bool, 256> spellable = spellable_bytes(tok);
    const auto expected = [&](const std::string& text) {
        std::string kept;
        for (char c : tokenizer::sanitize_utf8(text))
            if (spellable[static_cast<uint8_t>(c)]) kept += c;
        return cleans ? tokenizer::clean_up_spaces(kept) : kept;
    };
    std::mt19937 rng(1234);
    for (int i = 0; i < kStrings; ++i) {
        for (const std::string& text : {random_utf8(rng), random_bytes(rng)}) {
            const auto ids = tok.encode(text, false);
            check_ids_in_range(tok, ids);
            CHECK(tok.decode(ids) == expected(text));
        }
    }
}

// Valid UTF-8 comes back with U+2581 read as a space. Arbitrary bytes come back byte for byte once U+2581 and
// space are read as one: a space right after a truncated lead byte is byte-fallback'd as the bytes of U+2581.
TEST_CASE("tokenizer round trip, SentencePiece: decode(encode(t)) is t, U+2581 read as a space",
          "[tokenizer][fuzz]") {
    SKIP_WITHOUT_SHARED();
    const std::string model = GENERATE(as<std::string>{}, "models/stories260K.gguf", "models/vocab/ggml-vocab-llama-spm.gguf");
    const Tokenizer tok = load(model);
    const auto spaces = [](const std::string& s) { return replace_all(s, "\xE2\x96\x81", " "); };
    std::mt19937 rng(5678);
    for (int i = 0; i < kStrings; ++i) {
        const std::string text = random_utf8(rng);
        const auto ids = tok.encode(text, false);
        check_ids_in_range(tok, ids);
        CHECK(tok.decode(ids) == spaces(text));
        // With BOS, llama_detokenize keeps the leading space of the first text piece.
        const auto with_bos = tok.encode(text, true);
        REQUIRE(with_bos.size() == ids.size() + 1);
        CHECK(with_bos.front() == tok.bos());
        CHECK(tok.decode(with_bos) == (text.empty() ? "" : " " + spaces(text)));

        const std::string bytes = random_bytes(rng);
        const auto byte_ids = tok.encode(bytes, false);
        check_ids_in_range(tok, byte_ids);
        CHECK(spaces(tok.decode(byte_ids)) == spaces(bytes));
    }
}

TEST_CASE("tokenizer: special-token text is plain text unless parsing is asked for", "[tokenizer]") {
    SKIP_WITHOUT_SHARED();
    const Tokenizer spm = load("models/vocab/ggml-vocab-llama-spm.gguf");
    const auto plain = spm.encode("<s>hi</s>", false, false);
    CHECK(std::find(plain.begin(), plain.end(), spm.bos()) == plain.end());
    CHECK(spm.decode(plain) == "<s>hi</s>");
    // Parsed: <s> and </s> become BOS and EOS, and the text after a special token gets the space prefix (" hi").
    CHECK(spm.encode("<s>hi</s>", false, true) == std::vector<TokenId>{spm.bos(), 7251, spm.eos()});  // llama.cpp's ids

    const Tokenizer bpe = load("models/vocab/ggml-vocab-starcoder.gguf");
    const auto parsed = bpe.encode("<fim_prefix>x", false, true);
    REQUIRE_FALSE(parsed.empty());
    CHECK(parsed.front() == 1);
    CHECK(std::vector<TokenId>(parsed.begin() + 1, parsed.end()) == bpe.encode("x", false));
    // Unparsed, the text is made of ordinary pieces only: decoding without special tokens gives it back whole.
    const auto unparsed = bpe.encode("<fim_prefix>x", false, false);
    CHECK(unparsed.size() > 2);
    CHECK(bpe.decode(unparsed) == "<fim_prefix>x");
    CHECK(bpe.decode({1}) == "");
    CHECK(bpe.decode({1}, true) == "<fim_prefix>");
}

TEST_CASE("tokenizer: control tokens are parsed everywhere but in the plain ranges, and text across a range's edge is one",
          "[tokenizer]") {
    SKIP_WITHOUT_SHARED();
    const Tokenizer bpe = load("models/vocab/ggml-vocab-starcoder.gguf");
    const std::string text = "<fim_prefix>say <fim_prefix>hello world<fim_suffix>";
    // No plain range: as parse_special; all of it plain: as plain text.
    CHECK(bpe.encode(text, false, std::vector<tokenizer::TextRange>{}) == bpe.encode(text, false, true));
    CHECK(bpe.encode(text, false, std::vector<tokenizer::TextRange>{{0, text.size()}}) == bpe.encode(text, false, false));
    // The middle, "say <fim_prefix>hello", plain: the control tokens around it are parsed, the one inside is text,
    // and "hello world" still tokenizes as one run across the range's end.
    const size_t begin = std::string("<fim_prefix>").size(), end = text.find(" world");
    const std::vector<TokenId> ids = bpe.encode(text, false, std::vector<tokenizer::TextRange>{{begin, end}});
    std::vector<TokenId> expected{1};
    for (TokenId id : bpe.encode(text.substr(begin, text.size() - begin - std::string("<fim_suffix>").size()), false))
        expected.push_back(id);
    expected.push_back(bpe.encode("<fim_suffix>", false, true).at(0));
    CHECK(ids == expected);
    CHECK(std::count(ids.begin(), ids.end(), 1) == 1);

    const Tokenizer spm = load("models/vocab/ggml-vocab-llama-spm.gguf");
    const std::string chat = "<s>a </s> b</s>";
    const std::vector<TokenId> spm_ids = spm.encode(chat, false, std::vector<tokenizer::TextRange>{{3, 10}});
    CHECK(spm_ids.front() == spm.bos());
    CHECK(spm_ids.back() == spm.eos());
    CHECK(std::count(spm_ids.begin(), spm_ids.end(), spm.eos()) == 1);
    CHECK(spm.decode(spm_ids) == " a </s> b");
}

TEST_CASE("tokenizer: user-defined tokens are matched even without special parsing (MPT whitespace runs)",
          "[tokenizer]") {
    SKIP_WITHOUT_SHARED();
    const Tokenizer tok = load("models/vocab/ggml-vocab-mpt.gguf");
    // 50274 is the user-defined token "    " (four spaces), longer runs match longer tokens first.
    CHECK(tok.token_text(50274) == "    ");
    const auto ids = tok.encode("a    b", false, false);
    CHECK(std::find(ids.begin(), ids.end(), 50274) != ids.end());
    CHECK(tok.decode(ids) == "a    b");
}

TEST_CASE("tokenizer: a long input without spaces is one 200,000-byte word and round-trips", "[tokenizer]") {
    SKIP_WITHOUT_SHARED();
    const Tokenizer bpe = load("models/quant/bpe-smollm-Q8_0.gguf");
    const Tokenizer spm = load("models/vocab/ggml-vocab-llama-spm.gguf");
    std::string text;
    std::mt19937 rng(42);
    while (text.size() < 200000) text += static_cast<char>('a' + std::uniform_int_distribution<int>(0, 25)(rng));
    CHECK(bpe.decode(bpe.encode(text, false)) == text);
    CHECK(spm.decode(spm.encode(text, false)) == text);
}

TEST_CASE("tokenizer: bad token ids are reported, not read", "[tokenizer]") {
    SKIP_WITHOUT_SHARED();
    const Tokenizer tok = load("models/stories260K.gguf");
    CHECK_THROWS_WITH(tok.decode({5, 512}), Catch::Contains("token id 512 is out of range"));
    CHECK_THROWS_AS(tok.token_to_piece(-1), tokenizer::Error);
    CHECK_FALSE(tok.is_eog(-1));
    CHECK(tok.is_eog(2));
}
