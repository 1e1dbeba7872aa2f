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

#include "tokenizer/vocab.h"

namespace tokenizer {

class BpeModel {
public:
    // `merges` are "left right" in the byte spelling of byte_encoding.h; merges that spell no bytes are ignored.
    BpeModel(const Vocab& vocab, const std::vector<std::string_view>& merges);

    // Appends the tokens of `text` (any bytes; invalid UTF-8 is read as U+FFFD like llama.cpp does).
    void encode(std::string_view text, std::vector<TokenId>& out) const;

private:
    struct Symbol {
        int32_t id;      // interned symbol, or -1 for a byte that no merge uses
        int32_t prev;    // neighbours in the word, -1 at the ends
        int32_t next;
        uint32_t begin;  // bytes [begin, begin + size) of the word
        uint32_t size;   // 0 once merged into its left neighbour
    };
    struct Candidate {
        uint32_t rank;
        int32_t left;  // symbol indices
        int32_t right;
        int32_t left_id;  // the symbols' ids when the pair was queued; stale once either changed
        int32_t right_id;
        int32_t merged_id;
    };
    struct Merge {
        uint32_t rank;
        int32_t merged_id;
    };
    struct Scratch {
        std::vector<Symbol> symbols;
        std::vector<Candidate> queue;
    };

    int32_t intern(const std::string& bytes);
    void encode_word(std::string_view word, Scratch& scratch, std::vector<TokenId>& out) const;
    void queue_pair(Scratch& scratch, int32_t left, int32_t right) const;
    void emit_symbol(std::string_view bytes, int32_t id, std::vector<TokenId>& out) const;

    PreTokenizer pre_;
    bool ignore_merges_;
    std::unordered_map<uint64_t, Merge> merges_;                 // (left id << 32 | right id) -> merge
    std::unordered_map<std::string, int32_t> symbol_ids_;        // bytes -> interned id
    std::vector<TokenId> symbol_token_;                          // interned id -> token spelling it, or none
    std::array<int32_t, 256> byte_symbol_{};                     // byte -> interned id, or -1
    std::array<TokenId, 256> byte_token_{};                      // byte -> token spelling it, or none
    std::array<TokenId, 256> char_token_{};                      // char -> token whose text is that one char
    std::unordered_map<std::string, TokenId> token_of_bytes_;    // bytes -> token spelling them
};

}  // namespace tokenizer
