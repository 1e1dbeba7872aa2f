// SentencePiece-style BPE (tokenizer.ggml.model = llama), as llama.cpp runs it: the text (spaces already
// written as U+2581 "▁") is split into UTF-8 characters, and adjacent symbols whose concatenation is a token
// are merged, highest token score first and leftmost first among equals. Symbols that end up as no token
// fall back to byte tokens <0xNN>.
#pragma once

#include <array>
#include <string_view>
#include <vector>

#include "tokenizer/vocab.h"

namespace tokenizer {

class SpmModel {
public:
    explicit SpmModel(const Vocab& vocab);

    // Appends the tokens of `text`; throws tokenizer::Error for a byte the vocabulary cannot spell at all.
    void encode(std::string_view text, const Vocab& vocab, std::vector<TokenId>& out) const;

private:
    struct Symbol {
        int32_t prev;    // neighbours, -1 at the ends
        int32_t next;
        uint32_t begin;  // bytes [begin, begin + size) of the text
        uint32_t size;   // 0 once merged into its left neighbour
    };
    struct Candidate {
        float score;
        int32_t left;
        int32_t right;
        uint32_t size;  // bytes of the pair when queued; stale once either symbol grew
    };

    void queue_pair(std::string_view text, const Vocab& vocab, const std::vector<Symbol>& symbols, int32_t left,
                    int32_t right, std::vector<Candidate>& queue) const;

    std::array<TokenId, 256> byte_token_{};  // <0xNN>, else the token whose text is that byte, else <unk>
};

}  // namespace tokenizer
