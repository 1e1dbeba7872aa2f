// Byte-level BPE (tokenizer.ggml.model = gpt2): each pre-tokenized word is split into bytes, and adjacent
// symbols are merged by the rank of their pair in tokenizer.ggml.merges, lowest rank first and leftmost
// first among equals, with a priority queue: O(n log n) in the length of the word.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "tokenizer/flat_map.h"
#include "tokenizer/vocab.h"

namespace tokenizer {

class BpeModel {
public:
    // `merges` are "left right" in the byte spelling of byte_encoding.h, highest priority first.
    BpeModel(const Vocab& vocab, const std::vector<std::string_view>& merges);

    // Appends the tokens of `text` (any bytes; invalid UTF-8 is read as U+FFFD like llama.cpp does).
    void encode(std::string_view text, const Vocab& vocab, std::vector<TokenId>& out) const;

private:
    struct Symbol {
        int32_t id;           // symbol id, or -1 for a byte that is neither a token nor in a merge
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

    int32_t intern(const Vocab& vocab, std::string_view spelling);
    TokenId token_of_symbol(int32_t id) const { return static_cast<size_t>(id) < n_vocab_ ? id : kNoToken; }
    void encode_word(std::string_view word, const Vocab& vocab, Scratch& scratch, std::vector<TokenId>& out) const;
    // Finds the merge of symbols[left] and the symbol after it, records it in the left symbol and, if there is
    // one, queues it (`heapify`: keep the queue a heap; off while filling it for make_heap).
    void queue_pair(Scratch& scratch, int32_t left, bool heapify = true) const;
    void emit_symbol(std::string_view bytes, int32_t id, std::vector<TokenId>& out) const;

    // Symbols are the strings that merges read and write, in the byte spelling. A symbol that is a token's
    // text has that token's id; the others get ids from n_vocab_ on.
    size_t n_vocab_;
    std::unordered_map<std::string, int32_t> other_symbols_;  // spelling -> id, for symbols that are no token
    FlatMap<uint64_t, Merge> merges_;                         // (left id << 32 | right id) -> merge
    std::array<int32_t, 256> byte_symbol_{};                  // byte -> symbol id, or -1
    std::array<TokenId, 256> char_token_{};                   // char -> token whose text is that one char
};

}  // namespace tokenizer
