#include "tokenizer/spm.h"

#include <algorithm>
#include <cstring>
#include <limits>

#include <fmt/format.h>

#include "tokenizer/merge_queue.h"
#include "tokenizer/tokenizer_error.h"
#include "tokenizer/unicode.h"

namespace tokenizer {

namespace {

// Orders the heap so that the smallest key (highest score, then leftmost pair) comes out first.
constexpr auto comes_later = [](uint64_t a, uint64_t b) { return a > b; };

// A score as an unsigned key that is smaller for a higher score.
uint32_t score_key(float score) {
    uint32_t bits = 0;
    std::memcpy(&bits, &score, sizeof bits);
    const uint32_t ascending = (bits & 0x80000000u) ? ~bits : (bits | 0x80000000u);
    return ~ascending;
}

}  // namespace

SpmModel::SpmModel(const Vocab& vocab) {
    for (int b = 0; b < 256; ++b) {
        TokenId id = vocab.find(fmt::format("<0x{:02X}>", b));
        if (id == kNoToken) id = vocab.find(std::string(1, static_cast<char>(b)));
        byte_token_[b] = id != kNoToken ? id : vocab.unk;
    }
}

void SpmModel::encode(std::string_view text, const Vocab& vocab, std::vector<TokenId>& out) const {
    if (text.size() > static_cast<size_t>(std::numeric_limits<int32_t>::max()))
        throw Error("text too long to tokenize: more than 2 GiB");
    std::vector<Symbol> symbols;
    symbols.reserve(text.size());
    for (uint32_t pos = 0; pos < text.size();) {
        const auto size = static_cast<uint32_t>(
            std::min(utf8_sequence_length(static_cast<uint8_t>(text[pos])), text.size() - pos));
        const auto index = static_cast<int32_t>(symbols.size());
        symbols.push_back({index - 1, pos + size < text.size() ? index + 1 : -1, pos, size, kNoPair});
        pos += size;
    }

    std::vector<Candidate> queue;
    for (int32_t i = 0; i + 1 < static_cast<int32_t>(symbols.size()); ++i) queue_pair(text, vocab, symbols, i, queue, false);
    std::make_heap(queue.begin(), queue.end(), comes_later);
    while (!queue.empty()) {
        const Candidate c = pop_best_candidate(queue, comes_later);
        const auto left = static_cast<int32_t>(c & 0xFFFFFFFFu);
        if (symbols[left].size == 0 || symbols[left].pair_key != c >> 32) continue;

        merge_with_next(symbols, left);
        if (symbols[left].prev >= 0) queue_pair(text, vocab, symbols, symbols[left].prev, queue);
        queue_pair(text, vocab, symbols, left, queue);
    }

    for (int32_t i = symbols.empty() ? -1 : 0; i >= 0; i = symbols[i].next) {
        const std::string_view piece = text.substr(symbols[i].begin, symbols[i].size);
        if (const TokenId id = vocab.find(piece); id != kNoToken) {
            out.push_back(id);
            continue;
        }
        for (char c : piece) {
            const TokenId id = byte_token_[static_cast<uint8_t>(c)];
            if (id == kNoToken)
                throw Error(fmt::format("the vocabulary has no token for byte 0x{:02X} and no <unk>",
                                        static_cast<uint8_t>(c)));
            out.push_back(id);
        }
    }
}

void SpmModel::queue_pair(std::string_view text, const Vocab& vocab, std::vector<Symbol>& symbols, int32_t left,
                          std::vector<Candidate>& queue, bool heapify) const {
    Symbol& l = symbols[left];
    l.pair_key = kNoPair;
    if (l.next < 0) return;
    const TokenId id = vocab.find(text.substr(l.begin, l.size + symbols[l.next].size));
    if (id == kNoToken) return;
    l.pair_key = score_key(vocab.score[id]);
    const Candidate c = (static_cast<uint64_t>(l.pair_key) << 32) | static_cast<uint32_t>(left);
    if (heapify)
        push_candidate(queue, c, comes_later);
    else
        queue.push_back(c);
}

}  // namespace tokenizer
