#include "tokenizer/bpe.h"

#include <algorithm>
#include <limits>

#include <fmt/format.h>

#include "tokenizer/byte_encoding.h"
#include "tokenizer/merge_queue.h"
#include "tokenizer/tokenizer_error.h"
#include "tokenizer/unicode.h"

namespace tokenizer {

namespace {

uint64_t pair_key(int32_t left, int32_t right) {
    return (static_cast<uint64_t>(static_cast<uint32_t>(left)) << 32) | static_cast<uint32_t>(right);
}

// Orders the heap so that the smallest key (lowest rank, then leftmost pair) comes out first.
constexpr auto comes_later = [](uint64_t a, uint64_t b) { return a > b; };

}  // namespace

BpeModel::BpeModel(const Vocab& vocab, const std::vector<std::string_view>& merges) {
    merges_.reserve(merges.size());
    std::string merged;
    for (size_t rank = 0; rank < merges.size(); ++rank) {
        const std::string_view merge = merges[rank];
        const size_t space = merge.find(' ', 1);
        if (space == std::string_view::npos)
            throw Error(fmt::format("tokenizer.ggml.merges[{}] '{}' is not two tokens separated by a space", rank,
                                    merge));
        const std::string_view left = merge.substr(0, space);
        const std::string_view right = merge.substr(space + 1);
        merged.assign(left).append(right);
        const TokenId merged_id = token_named(vocab, merged, rank);
        // A repeated pair keeps its first (lowest) rank.
        merges_.emplace(pair_key(token_named(vocab, left, rank), token_named(vocab, right, rank)),
                        Merge{static_cast<uint32_t>(rank), merged_id});
    }
    for (int b = 0; b < 256; ++b) {
        byte_symbol_[b] = vocab.find(encode_bytes(std::string(1, static_cast<char>(b))));
        char_token_[b] = vocab.find(std::string(1, static_cast<char>(b)));
    }
}

TokenId BpeModel::token_named(const Vocab& vocab, std::string_view spelling, size_t rank) {
    const TokenId token = vocab.find(spelling);
    if (token == kNoToken)
        throw Error(fmt::format("tokenizer.ggml.merges[{}] names '{}', which is no token of the vocabulary", rank,
                                spelling));
    return token;
}

void BpeModel::encode(std::string_view text, const Vocab& vocab, std::vector<TokenId>& out) const {
    const std::string clean = sanitize_utf8(text);
    Scratch scratch;
    for (const TextSpan& word : pre_tokenize(vocab.pre, clean))
        encode_word(std::string_view(clean).substr(word.begin, word.end - word.begin), vocab, scratch, out);
}

void BpeModel::encode_word(std::string_view word, const Vocab& vocab, Scratch& scratch,
                           std::vector<TokenId>& out) const {
    if (word.size() > static_cast<size_t>(std::numeric_limits<int32_t>::max()))
        throw Error("text too long to tokenize: a single word of more than 2 GiB");
    if (vocab.ignore_merges) {
        if (const TokenId token = vocab.find(encode_bytes(word)); token != kNoToken) {
            out.push_back(token);
            return;
        }
    }

    auto& symbols = scratch.symbols;
    symbols.clear();
    const auto n = static_cast<int32_t>(word.size());
    for (int32_t i = 0; i < n; ++i)
        symbols.push_back({byte_symbol_[static_cast<uint8_t>(word[i])], i - 1, i + 1 < n ? i + 1 : -1,
                           static_cast<uint32_t>(i), 1, kNoMerge, -1});
    auto& queue = scratch.queue;
    queue.clear();
    for (int32_t i = 0; i + 1 < n; ++i) queue_pair(scratch, i, false);
    std::make_heap(queue.begin(), queue.end(), comes_later);

    while (!queue.empty()) {
        const Candidate c = pop_best_candidate(queue, comes_later);
        const auto left = static_cast<int32_t>(c & 0xFFFFFFFFu);
        Symbol& l = symbols[left];
        if (l.size == 0 || l.pair_rank != c >> 32) continue;

        const int32_t merged = l.pair_merged;
        merge_with_next(symbols, left);
        l.id = merged;
        if (l.prev >= 0) queue_pair(scratch, l.prev);
        queue_pair(scratch, left);
    }

    for (int32_t i = 0; i >= 0 && i < n; i = symbols[i].next)
        emit_symbol(word.substr(symbols[i].begin, symbols[i].size), symbols[i].id, out);
}

void BpeModel::queue_pair(Scratch& scratch, int32_t left, bool heapify) const {
    Symbol& l = scratch.symbols[left];
    l.pair_rank = kNoMerge;
    if (l.next < 0 || l.id == kNoToken || scratch.symbols[l.next].id == kNoToken) return;
    const Merge* merge = merges_.find(pair_key(l.id, scratch.symbols[l.next].id));
    if (merge == nullptr) return;
    l.pair_rank = merge->rank;
    l.pair_merged = merge->merged_id;
    const Candidate c = (static_cast<uint64_t>(merge->rank) << 32) | static_cast<uint32_t>(left);
    if (heapify)
        push_candidate(scratch.queue, c, comes_later);
    else
        scratch.queue.push_back(c);
}

// A finished symbol is its token; one that is no token falls back, like llama.cpp, to the tokens whose text
// is a single char of its spelling, dropping the chars that have none.
void BpeModel::emit_symbol(std::string_view bytes, TokenId id, std::vector<TokenId>& out) const {
    if (id != kNoToken) {
        out.push_back(id);
        return;
    }
    for (char c : encode_bytes(bytes)) {
        const TokenId t = char_token_[static_cast<uint8_t>(c)];
        if (t != kNoToken) out.push_back(t);
    }
}

}  // namespace tokenizer
