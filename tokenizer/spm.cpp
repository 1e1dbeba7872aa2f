#include "tokenizer/spm.h"

#include <algorithm>
#include <limits>

#include <fmt/format.h>

#include "tokenizer/merge_queue.h"
#include "tokenizer/tokenizer_error.h"
#include "tokenizer/unicode.h"

namespace tokenizer {

namespace {

// Orders the heap so that the highest score, then the leftmost pair, comes out first.
template <typename Candidate>
bool comes_later(const Candidate& a, const Candidate& b) {
    return a.score < b.score || (a.score == b.score && a.left > b.left);
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
        symbols.push_back({index - 1, pos + size < text.size() ? index + 1 : -1, pos, size});
        pos += size;
    }

    std::vector<Candidate> queue;
    for (int32_t i = 1; i < static_cast<int32_t>(symbols.size()); ++i) queue_pair(text, vocab, symbols, i - 1, i, queue);
    while (!queue.empty()) {
        const Candidate c = pop_best_candidate(queue, comes_later<Candidate>);
        const Symbol& left = symbols[c.left];
        const Symbol& right = symbols[c.right];
        if (left.size == 0 || right.size == 0 || left.size + right.size != c.size) continue;

        merge_with_next(symbols, c.left);
        queue_pair(text, vocab, symbols, symbols[c.left].prev, c.left, queue);
        queue_pair(text, vocab, symbols, c.left, symbols[c.left].next, queue);
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

void SpmModel::queue_pair(std::string_view text, const Vocab& vocab, const std::vector<Symbol>& symbols,
                          int32_t left, int32_t right, std::vector<Candidate>& queue) const {
    if (left < 0 || right < 0) return;
    const uint32_t begin = symbols[left].begin;
    const uint32_t size = symbols[left].size + symbols[right].size;
    const TokenId id = vocab.find(text.substr(begin, size));
    if (id == kNoToken) return;
    push_candidate(queue, Candidate{vocab.score[id], left, right, size}, comes_later<Candidate>);
}

}  // namespace tokenizer
