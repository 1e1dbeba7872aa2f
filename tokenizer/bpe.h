// Byte-level BPE (tokenizer.ggml.model = gpt2): each pre-tokenized word is split into bytes, and adjacent
// symbols are merged by the rank of their pair in tokenizer.ggml.merges, lowest rank first and leftmost
// first among equals, with a priority queue: O(n log n) in the length of the word.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "tokenizer/flat_map.h"
#include "tokenizer/vocab.h"

namespace tokenizer {

class BpeModel {
public:
    // `merges` are "left right" in the byte spelling of byte_encoding.h, highest priority first. Throws
    // tokenizer::Error for a merge that is not two parts, or whose parts or result are no token.
    BpeModel(const Vocab& vocab, const std::vector<std::string_view>& merges);

    // Appends the tokens of `text` (any bytes; invalid UTF-8 is read as U+FFFD like llama.cpp does).
    void encode(std::string_view text, const Vocab& vocab, std::vector<TokenId>& out) const;

private:
    struct Symbol {
        TokenId id;           // its token, or kNoToken for a byte that no token spells alone
        int32_t prev;         // neighbours in the word, -1 at the ends
        int32_t next;
        uint32_t begin;       // bytes [begin, begin + size) of the word
        uint32_t size;        // 0 once merged into its left neighbour
        uint32_t pair_rank;   // rank of the merge with the next symbol, kNoMerge if none
        int32_t pair_merged;  // the symbol that merge makes
    };
    static constexpr uint32_t kNoMerge = UINT32_MAX;
    // A queued pair: rank << 32 | index of its left symbol, so the smallest key is the merge to do next (lowest
    // rank, leftmost). Stale once the left symbol's pair_rank no longer says that rank.
    using Candidate = uint64_t;
    struct Merge {
        uint32_t rank;
        int32_t merged_id;
    };
    struct Scratch {
        std::vector<Symbol> symbols;
        std::vector<Candidate> queue;
    };

    // The token spelled `spelling`; throws tokenizer::Error naming merge `rank` when there is none.
    static TokenId token_named(const Vocab& vocab, std::string_view spelling, size_t rank);
    void encode_word(std::string_view word, const Vocab& vocab, Scratch& scratch, std::vector<TokenId>& out) const;
    // Finds the merge of symbols[left] and the symbol after it, records it in the left symbol and, if there is
    // one, queues it (`heapify`: keep the queue a heap; off while filling it for make_heap).
    void queue_pair(Scratch& scratch, int32_t left, bool heapify = true) const;
    void emit_symbol(std::string_view bytes, TokenId id, std::vector<TokenId>& out) const;

    // Symbols are the tokens that merges read and write (every merge names tokens: the constructor checks).
    FlatMap<uint64_t, Merge> merges_;                         // (left id << 32 | right id) -> merge
    std::array<TokenId, 256> byte_symbol_{};                  // byte -> the token spelling it alone, or kNoToken
    std::array<TokenId, 256> char_token_{};                   // char -> token whose text is that one char
};

}  // namespace tokenizer
