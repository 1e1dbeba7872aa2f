#include "tokenizer/stream_decoder.h"

namespace tokenizer {

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
    const size_t ready = complete_utf8_prefix(held_);
    std::string out = held_.substr(0, ready);
    held_.erase(0, ready);
    return out;
}

std::string StreamDecoder::flush() {
    std::string out;
    out.swap(held_);
    at_start_ = true;
    return out;
}

}  // namespace tokenizer
