// Finding special-token text in a prompt before it is tokenized, as llama.cpp's tokenizer_st_partition does.
#pragma once

#include <cstddef>
#include <string_view>
#include <vector>

#include "tokenizer/vocab.h"

namespace tokenizer {

// Either a special token or a stretch of text to tokenize.
struct Fragment {
    TokenId token;  // kNoToken for text
    size_t begin;   // text: bytes [begin, end) of the prompt
    size_t end;
};

// Splits text at the special tokens it contains: user-defined tokens always, control and unknown tokens only
// when parse_special. Longer tokens are matched first, each at its leftmost occurrences; tokens marked
// lstrip/rstrip swallow the ASCII whitespace before/after them.
std::vector<Fragment> split_special_tokens(std::string_view text, const Vocab& vocab, bool parse_special);

}  // namespace tokenizer
