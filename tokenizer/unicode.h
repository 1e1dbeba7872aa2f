// Unicode for the tokenizers: UTF-8 decoding as llama.cpp does it, and the properties the pre-tokenizer
// regexes test (\p{L}, \p{N}, \p{P}, \s, ...) for every code point, from the generated table.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace tokenizer {

// One general-category bit per code point, plus the White_Space property.
enum CodepointFlags : uint16_t {
    kUndefined = 0x001,    // Cn, and anything past U+10FFFF
    kNumber = 0x002,       // \p{N}
    kLetter = 0x004,       // \p{L}
    kSeparator = 0x008,    // \p{Z}
    kMark = 0x010,         // \p{M}
    kPunctuation = 0x020,  // \p{P}
    kSymbol = 0x040,       // \p{S}
    kControl = 0x080,      // \p{C} other than Cn
    kWhitespace = 0x100,   // \s: White_Space (U+0009..000D, U+0020, U+0085, U+00A0, U+1680, U+2000..200A, ...)
};

constexpr uint32_t kReplacementCharacter = 0xFFFD;
constexpr uint32_t kMaxCodepoint = 0x10FFFF;

uint16_t codepoint_flags(uint32_t cp);

// Length of the UTF-8 sequence a byte starts, from its high bits alone: 1 for ASCII and for bytes that
// cannot start a sequence (continuations, 0xF8..0xFF), 2, 3 or 4 otherwise.
size_t utf8_sequence_length(uint8_t lead);

// Decodes the code point at text[pos] and advances pos. Lenient like llama.cpp: the lead byte and its
// continuation bytes are checked, overlong forms and surrogates are accepted; anything else (a stray or
// truncated sequence, a value past U+10FFFF) yields U+FFFD and consumes one byte.
uint32_t decode_utf8(std::string_view text, size_t& pos);

void append_utf8(std::string& out, uint32_t cp);

// The text as llama.cpp's byte-level BPE sees it: every code point decode_utf8 reads, re-encoded. Valid
// UTF-8 comes back unchanged; each invalid byte becomes U+FFFD and overlong forms their shortest encoding.
std::string sanitize_utf8(std::string_view text);

}  // namespace tokenizer
