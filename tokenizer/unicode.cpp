#include "tokenizer/unicode.h"

#include <algorithm>

#include "tokenizer/unicode_table.h"

namespace tokenizer {

namespace {

bool is_continuation(uint8_t byte) { return (byte & 0xC0) == 0x80; }

}  // namespace

uint16_t codepoint_flags(uint32_t cp) {
    if (cp > kMaxCodepoint) return kUndefined;
    const CodepointRange* end = kCodepointRanges + kCodepointRangeCount;
    const CodepointRange* next =
        std::upper_bound(kCodepointRanges, end, cp, [](uint32_t c, const CodepointRange& r) { return c < r.start; });
    return (next - 1)->flags;
}

size_t utf8_sequence_length(uint8_t lead) {
    static constexpr uint8_t kLengthByHighBits[16] = {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2, 2, 3, 4};
    return kLengthByHighBits[lead >> 4];
}

uint32_t decode_utf8(std::string_view text, size_t& pos) {
    const auto byte = [&](size_t i) { return static_cast<uint8_t>(text[pos + i]); };
    const uint8_t lead = byte(0);
    if (lead < 0x80) {
        pos += 1;
        return lead;
    }
    size_t length = 0;
    uint32_t cp = 0;
    if ((lead & 0xE0) == 0xC0) {
        length = 2;
        cp = lead & 0x1F;
    } else if ((lead & 0xF0) == 0xE0) {
        length = 3;
        cp = lead & 0x0F;
    } else if ((lead & 0xF8) == 0xF0) {
        length = 4;
        cp = lead & 0x07;
    }
    bool valid = length != 0 && pos + length <= text.size();
    for (size_t i = 1; valid && i < length; ++i) {
        valid = is_continuation(byte(i));
        cp = (cp << 6) | (byte(i) & 0x3F);
    }
    if (!valid || cp > kMaxCodepoint) {
        pos += 1;
        return kReplacementCharacter;
    }
    pos += length;
    return cp;
}

void append_utf8(std::string& out, uint32_t cp) {
    if (cp < 0x80) {
        out += static_cast<char>(cp);
    } else if (cp < 0x800) {
        out += static_cast<char>(0xC0 | (cp >> 6));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        out += static_cast<char>(0xE0 | (cp >> 12));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
        out += static_cast<char>(0xF0 | (cp >> 18));
        out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    }
}

std::string sanitize_utf8(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (size_t pos = 0; pos < text.size();) append_utf8(out, decode_utf8(text, pos));
    return out;
}

}  // namespace tokenizer
