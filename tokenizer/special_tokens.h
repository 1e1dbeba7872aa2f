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

// Bytes [begin, end) of a text.
struct TextRange {
    size_t begin;
    size_t end;
};

// The same with control and unknown tokens read everywhere but inside the `plain` ranges (sorted, disjoint):
// text from elsewhere (a user's input put in a template) is never read as control tokens. Text fragments that
// meet at a range's edge are joined, so the text around it tokenizes as one.
std::vector<Fragment> split_special_tokens_outside(std::string_view text, const Vocab& vocab,
                                                   const std::vector<TextRange>& plain);

}  // namespace tokenizer
