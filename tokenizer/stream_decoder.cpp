#include "tokenizer/stream_decoder.h"

#include <cstdint>
#include <string_view>

namespace tokenizer {

namespace {

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";

enum class Utf8Status { Complete, Incomplete, Invalid };

// Whether bytes[pos..] starts with a well-formed UTF-8 character (RFC 3629: no overlong forms, no surrogates,
// nothing past U+10FFFF), the beginning of one, or neither; `length` is the character's length if complete.
Utf8Status next_character(std::string_view bytes, size_t pos, size_t& length) {
    const auto byte = [&](size_t i) { return static_cast<uint8_t>(bytes[pos + i]); };
    const uint8_t lead = byte(0);
    uint8_t second_min = 0x80;
    uint8_t second_max = 0xBF;
    if (lead < 0x80) {
        length = 1;
    } else if (lead >= 0xC2 && lead <= 0xDF) {
        length = 2;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
        length = 3;
        if (lead == 0xE0) second_min = 0xA0;  // overlong
        if (lead == 0xED) second_max = 0x9F;  // surrogates
    } else if (lead >= 0xF0 && lead <= 0xF4) {
        length = 4;
        if (lead == 0xF0) second_min = 0x90;  // overlong
        if (lead == 0xF4) second_max = 0x8F;  // past U+10FFFF
    } else {
        return Utf8Status::Invalid;
    }
    for (size_t i = 1; i < length; ++i) {
        if (pos + i >= bytes.size()) return Utf8Status::Incomplete;
        const uint8_t min = i == 1 ? second_min : 0x80;
        const uint8_t max = i == 1 ? second_max : 0xBF;
        if (byte(i) < min || byte(i) > max) return Utf8Status::Invalid;
    }
    return Utf8Status::Complete;
}

}  // namespace

size_t complete_utf8_prefix(const std::string& bytes) {
    // Look back at most 3 bytes for the lead byte of the last sequence.
    const size_t n = bytes.size();
    for (size_t back = 1; back <= 3 && back <= n; ++back) {
        const auto c = static_cast<unsigned char>(bytes[n - back]);
        if ((c & 0xC0) == 0x80) continue;  // a continuation byte: keep looking for the lead
        const size_t need = (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : (c & 0xF8) == 0xF0 ? 4 : 1;
        return need > back ? n - back : n;
    }
    return n;
}

std::string StreamDecoder::push(TokenId id) {
    std::string_view piece = tokenizer_.token_to_piece(id);
    if (at_start_ && tokenizer_.strips_leading_space() && !piece.empty() && piece.front() == ' ')
        piece.remove_prefix(1);
    at_start_ = false;
    held_.append(piece);

    std::string out;
    size_t pos = 0;
    while (pos < held_.size()) {
        size_t length = 0;
        const Utf8Status status = next_character(held_, pos, length);
        if (status == Utf8Status::Incomplete) break;
        if (status == Utf8Status::Invalid) {
            out.append(kReplacement);
            ++pos;
            continue;
        }
        out.append(held_, pos, length);
        pos += length;
    }
    held_.erase(0, pos);
    return out;
}

std::string StreamDecoder::flush() {
    const std::string out(held_.empty() ? "" : kReplacement);
    held_.clear();
    at_start_ = true;
    return out;
}

}  // namespace tokenizer
