// Unicode properties and UTF-8 handling of the tokenizers, against the Unicode Character Database's facts.
#include <catch2/catch.hpp>

#include "tokenizer/byte_encoding.h"
#include "tokenizer/unicode.h"

using namespace tokenizer;

namespace {

uint32_t decode_one(std::string_view bytes, size_t& consumed) {
    consumed = 0;
    return decode_utf8(bytes, consumed);
}

}  // namespace

TEST_CASE("unicode: general categories and White_Space of sample code points", "[tokenizer][unicode]") {
    struct Sample {
        uint32_t cp;
        uint16_t flags;
    };
    const Sample samples[] = {
        {'A', kLetter},          {0x00E9, kLetter},        {0x4E2D, kLetter},  // A é 中
        {0x1780, kLetter},                                                     // Khmer KA
        {0x2EBF0, kLetter},                                                    // CJK Ext. I, new in Unicode 15.1
        {0x31350, kLetter},                                                    // CJK Ext. H (15.0)
        {'7', kNumber},          {0x0663, kNumber},        {0x216B, kNumber},  // ٣ Ⅻ (Nl)
        {0x00BD, kNumber},                                                     // ½ (No)
        {0x0301, kMark},         {0x17B6, kMark},                              // combining acute, Khmer vowel sign
        {'!', kPunctuation},     {0x00AB, kPunctuation},   {0x3002, kPunctuation},  // ! « 。
        {'$', kSymbol},          {0x20AC, kSymbol},        {0x1F999, kSymbol},  // $ € 🦙
        {' ', kSeparator | kWhitespace},                   {0x00A0, kSeparator | kWhitespace},
        {0x3000, kSeparator | kWhitespace},                {0x2028, kSeparator | kWhitespace},
        {'\n', kControl | kWhitespace},                    {0x0085, kControl | kWhitespace},
        {0x001C, kControl},                                // not White_Space (unlike Python's str.isspace)
        {0x200B, kControl},                                // zero width space is Cf, not White_Space
        {0xE000, kControl},      {0xD800, kControl},       // private use, surrogate
        {0x0378, kUndefined},    {0x10FFFF, kUndefined},   {0x110000, kUndefined},
    };
    for (const Sample& s : samples) {
        INFO("U+" << std::hex << s.cp);
        CHECK(codepoint_flags(s.cp) == s.flags);
    }
}

TEST_CASE("unicode: every code point has exactly one category", "[tokenizer][unicode]") {
    const uint16_t categories = kUndefined | kNumber | kLetter | kSeparator | kMark | kPunctuation | kSymbol | kControl;
    size_t letters = 0;
    for (uint32_t cp = 0; cp <= kMaxCodepoint; ++cp) {
        const uint16_t category = codepoint_flags(cp) & categories;
        REQUIRE(category != 0);
        REQUIRE((category & (category - 1)) == 0);
        letters += category == kLetter;
    }
    CHECK(letters == 136726);  // Unicode 15.0's UnicodeData.txt has 136104 L* code points; 15.1 adds 622 (CJK Ext. I)
}

TEST_CASE("unicode: UTF-8 decoding reads invalid input like llama.cpp", "[tokenizer][unicode]") {
    size_t n = 0;
    CHECK(decode_one("\xC3\xA9", n) == 0xE9);
    CHECK(n == 2);
    CHECK(decode_one("\xF0\x9F\xA6\x99", n) == 0x1F999);
    CHECK(n == 4);
    CHECK(decode_one("\xC3", n) == kReplacementCharacter);  // truncated
    CHECK(n == 1);
    CHECK(decode_one("\xC3\x41", n) == kReplacementCharacter);  // no continuation
    CHECK(n == 1);
    CHECK(decode_one("\xA9", n) == kReplacementCharacter);  // stray continuation
    CHECK(n == 1);
    CHECK(decode_one("\xF8\x88\x80\x80\x80", n) == kReplacementCharacter);
    CHECK(n == 1);
    CHECK(decode_one("\xF4\x90\x80\x80", n) == kReplacementCharacter);  // past U+10FFFF (llama.cpp aborts)
    CHECK(n == 1);
    CHECK(decode_one("\xC0\x80", n) == 0);  // overlong forms and surrogates are accepted, as in llama.cpp
    CHECK(n == 2);
    CHECK(decode_one("\xED\xA0\x80", n) == 0xD800);
    CHECK(n == 3);

    CHECK(sanitize_utf8("caf\xC3\xA9 \xF0\x9F\xA6\x99") == "caf\xC3\xA9 \xF0\x9F\xA6\x99");
    CHECK(sanitize_utf8("a\xFF" "b\xE2\x82") == "a\xEF\xBF\xBD" "b\xEF\xBF\xBD\xEF\xBF\xBD");
    CHECK(sanitize_utf8(std::string_view("\xC0\x80", 2)) == std::string(1, '\0'));
}

TEST_CASE("unicode: GPT-2 byte spelling is a bijection onto printable code points", "[tokenizer][unicode]") {
    CHECK(encode_bytes(" ") == "\xC4\xA0");   // Ġ
    CHECK(encode_bytes("\n") == "\xC4\x8A");  // Ċ
    CHECK(encode_bytes("Az~") == "Az~");
    std::string all;
    for (int b = 0; b < 256; ++b) {
        const uint32_t cp = byte_to_codepoint(static_cast<uint8_t>(b));
        CHECK((codepoint_flags(cp) & (kWhitespace | kControl | kSeparator)) == 0);
        all += static_cast<char>(b);
    }
    CHECK(decode_bytes(encode_bytes(all)) == all);
    CHECK_FALSE(decode_bytes("a b").has_value());  // a plain space spells no byte
}
