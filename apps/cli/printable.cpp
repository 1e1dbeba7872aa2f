#include "apps/cli/printable.h"

#include <cstdint>

#include <fmt/format.h>

#include "tokenizer/unicode.h"

namespace cli {

namespace {

bool is_control(uint32_t c) { return c < 0x20 || c == 0x7f; }

std::string hex_escape(uint8_t byte) { return fmt::format("\\x{:02x}", byte); }

}  // namespace

std::string printable(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (const char c : text) {
        const auto byte = static_cast<uint8_t>(c);
        if (is_control(byte)) out += hex_escape(byte);
        else out += c;
    }
    return out;
}

std::string quote_piece(std::string_view piece) {
    std::string out = "'";
    for (size_t pos = 0; pos < piece.size();) {
        const size_t start = pos;
        const uint32_t cp = tokenizer::decode_utf8(piece, pos);
        const auto byte = static_cast<uint8_t>(piece[start]);
        if (cp == '\n') out += "\\n";
        else if (cp == '\t') out += "\\t";
        else if (cp == '\r') out += "\\r";
        else if (cp == '\\' || cp == '\'') out += fmt::format("\\{}", static_cast<char>(cp));
        else if (is_control(cp) || (cp == tokenizer::kReplacementCharacter && pos - start == 1))
            out += hex_escape(byte);
        else out.append(piece.substr(start, pos - start));
    }
    return out + "'";
}

}  // namespace cli
