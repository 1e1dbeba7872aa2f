#include "tokenizer/byte_encoding.h"

#include <array>

#include "tokenizer/unicode.h"

namespace tokenizer {

namespace {

constexpr uint32_t kSpellingEnd = 0x144;  // spellings are U+0021..U+0143

struct ByteSpelling {
    std::array<uint32_t, 256> codepoint_of_byte{};
    std::array<int16_t, kSpellingEnd> byte_of_codepoint{};

    ByteSpelling() {
        byte_of_codepoint.fill(-1);
        uint32_t next = 0x100;
        for (uint32_t b = 0; b < 256; ++b) {
            const bool printable = (b >= 0x21 && b <= 0x7E) || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
            codepoint_of_byte[b] = printable ? b : next++;
            byte_of_codepoint[codepoint_of_byte[b]] = static_cast<int16_t>(b);
        }
    }
};

const ByteSpelling& spelling() {
    static const ByteSpelling table;
    return table;
}

}  // namespace

uint32_t byte_to_codepoint(uint8_t byte) { return spelling().codepoint_of_byte[byte]; }

std::string encode_bytes(std::string_view bytes) {
    std::string out;
    out.reserve(bytes.size() * 2);
    for (char c : bytes) append_utf8(out, byte_to_codepoint(static_cast<uint8_t>(c)));
    return out;
}

std::optional<std::string> decode_bytes(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (size_t pos = 0; pos < text.size();) {
        const uint32_t cp = decode_utf8(text, pos);
        const int byte = cp < kSpellingEnd ? spelling().byte_of_codepoint[cp] : -1;
        if (byte < 0) return std::nullopt;
        out += static_cast<char>(byte);
    }
    return out;
}

}  // namespace tokenizer
