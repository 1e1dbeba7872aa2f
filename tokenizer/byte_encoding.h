// GPT-2's byte <-> Unicode mapping: byte-level BPE vocabularies spell each byte as one printable code point
// (printable Latin-1 bytes as themselves, the other 68 bytes as U+0100..U+0143), so "Ġ" stands for a space.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace tokenizer {

// The code point that spells `byte`.
uint32_t byte_to_codepoint(uint8_t byte);

// The UTF-8 spelling of raw bytes.
std::string encode_bytes(std::string_view bytes);

// The raw bytes a spelling stands for, or nothing if it contains a code point that spells no byte.
std::optional<std::string> decode_bytes(std::string_view spelling);

}  // namespace tokenizer
