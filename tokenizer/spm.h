// SentencePiece-style BPE (tokenizer.ggml.model = llama), as llama.cpp runs it: the text (spaces already
// written as U+2581 "▁") is split into UTF-8 characters, and adjacent symbols whose concatenation is a token
// are merged, highest token score first and leftmost first among equals. Symbols that end up as no token
// fall back to byte tokens <0xNN>.
#pragma once

#include <array>
#include <cstdint>
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
        int32_t prev;       // neighbours, -1 at the ends
        int32_t next;
        uint32_t begin;     // bytes [begin, begin + size) of the text
        uint32_t size;      // 0 once merged into its left neighbour
        uint32_t pair_key;  // score_key of the token the symbol and the next one would make, kNoPair if none
    };
    static constexpr uint32_t kNoPair = UINT32_MAX;
    // A queued pair: pair_key << 32 | index of its left symbol, so the smallest key is the merge to do next
    // (highest score, leftmost). Stale once the left symbol's pair_key changed; a pair queued twice with the
    // same key is the same merge either way.
    using Candidate = uint64_t;

    // Finds the token the symbol at `left` and the next one make, records it and queues it if there is one
    // (`heapify`: keep the queue a heap; off while filling it for make_heap).
    void queue_pair(std::string_view text, const Vocab& vocab, std::vector<Symbol>& symbols, int32_t left,
                    std::vector<Candidate>& queue, bool heapify = true) const;

    std::array<TokenId, 256> byte_token_{};  // <0xNN>, else the token whose text is that byte, else <unk>
};

}  // namespace tokenizer
