// The generated Unicode property table (scripts/gen_unicode_table.py -> unicode_table.cpp).
#pragma once

#include <cstddef>
#include <cstdint>

namespace tokenizer {

struct CodepointRange {
    uint32_t start;  // first code point of the range; it ends where the next range starts
    uint16_t flags;  // CodepointFlags of every code point in the range
};

extern const CodepointRange kCodepointRanges[];
extern const size_t kCodepointRangeCount;

}  // namespace tokenizer
