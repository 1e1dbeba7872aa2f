#include "tokenizer/bpe.h"

#include <algorithm>
#include <limits>
#include <optional>

#include "tokenizer/byte_encoding.h"
#include "tokenizer/merge_queue.h"
#include "tokenizer/tokenizer_error.h"
#include "tokenizer/unicode.h"

namespace tokenizer {

namespace {

uint64_t pair_key(int32_t left, int32_t right) {
    return (static_cast<uint64_t>(static_cast<uint32_t>(left)) << 32) | static_cast<uint32_t>(right);
}

// Orders the heap so that the lowest rank, then the leftmost pair, comes out first.
template <typename Candidate>
bool comes_later(const Candidate& a, const Candidate& b) {
    return a.rank > b.rank || (a.rank == b.rank && a.left > b.left);
}

}  // namespace

BpeModel::BpeModel(const Vocab& vocab, const std::vector<std::string_view>& merges)
    : pre_(vocab.pre), ignore_merges_(vocab.ignore_merges) {
    for (size_t id = 0; id < vocab.size(); ++id) {
        if (std::optional<std::string> bytes = decode_bytes(vocab.text[id]))
            token_of_bytes_[*bytes] = static_cast<TokenId>(id);
    }
    byte_token_.fill(kNoToken);
    char_token_.fill(kNoToken);
    for (int b = 0; b < 256; ++b) {
        const std::string byte(1, static_cast<char>(b));
        if (auto it = token_of_bytes_.find(byte); it != token_of_bytes_.end()) byte_token_[b] = it->second;
        char_token_[b] = vocab.find(byte);
    }

    byte_symbol_.fill(-1);
    merges_.reserve(merges.size());
    for (size_t rank = 0; rank < merges.size(); ++rank) {
        const std::string_view merge = merges[rank];
        const size_t space = merge.find(' ', 1);
        if (space == std::string_view::npos) continue;
        const std::optional<std::string> left = decode_bytes(merge.substr(0, space));
        const std::optional<std::string> right = decode_bytes(merge.substr(space + 1));
        if (!left || !right || left->empty() || right->empty()) continue;
        const int32_t left_id = intern(*left);
        const int32_t right_id = intern(*right);
        const int32_t merged_id = intern(*left + *right);
        // A repeated pair keeps its first (lowest) rank.
        merges_.emplace(pair_key(left_id, right_id), Merge{static_cast<uint32_t>(rank), merged_id});
    }
}

int32_t BpeModel::intern(const std::string& bytes) {
    const auto [it, added] = symbol_ids_.emplace(bytes, static_cast<int32_t>(symbol_token_.size()));
    if (!added) return it->second;
    const auto token = token_of_bytes_.find(bytes);
    symbol_token_.push_back(token == token_of_bytes_.end() ? kNoToken : token->second);
    if (bytes.size() == 1) byte_symbol_[static_cast<uint8_t>(bytes[0])] = it->second;
    return it->second;
}

void BpeModel::encode(std::string_view text, std::vector<TokenId>& out) const {
    const std::string clean = sanitize_utf8(text);
    Scratch scratch;
    for (const TextSpan& word : pre_tokenize(pre_, clean))
        encode_word(std::string_view(clean).substr(word.begin, word.end - word.begin), scratch, out);
}

void BpeModel::encode_word(std::string_view word, Scratch& scratch, std::vector<TokenId>& out) const {
    if (word.size() > static_cast<size_t>(std::numeric_limits<int32_t>::max()))
        throw Error("text too long to tokenize: a single word of more than 2 GiB");
    if (ignore_merges_) {
        if (auto it = token_of_bytes_.find(std::string(word)); it != token_of_bytes_.end()) {
            out.push_back(it->second);
            return;
        }
    }

    auto& symbols = scratch.symbols;
    symbols.clear();
    const auto n = static_cast<int32_t>(word.size());
    for (int32_t i = 0; i < n; ++i)
        symbols.push_back({byte_symbol_[static_cast<uint8_t>(word[i])], i - 1, i + 1 < n ? i + 1 : -1,
                           static_cast<uint32_t>(i), 1});
    scratch.queue.clear();
    for (int32_t i = 1; i < n; ++i) queue_pair(scratch, i - 1, i);

    auto& queue = scratch.queue;
    while (!queue.empty()) {
        const Candidate c = pop_best_candidate(queue, comes_later<Candidate>);
        const Symbol& left = symbols[c.left];
        const Symbol& right = symbols[c.right];
        if (left.size == 0 || right.size == 0 || left.id != c.left_id || right.id != c.right_id) continue;

        merge_with_next(symbols, c.left);
        symbols[c.left].id = c.merged_id;
        queue_pair(scratch, symbols[c.left].prev, c.left);
        queue_pair(scratch, c.left, symbols[c.left].next);
    }

    for (int32_t i = 0; i >= 0 && i < n; i = symbols[i].next)
        emit_symbol(word.substr(symbols[i].begin, symbols[i].size), symbols[i].id, out);
}

void BpeModel::queue_pair(Scratch& scratch, int32_t left, int32_t right) const {
    if (left < 0 || right < 0) return;
    const int32_t left_id = scratch.symbols[left].id;
    const int32_t right_id = scratch.symbols[right].id;
    if (left_id < 0 || right_id < 0) return;
    const auto it = merges_.find(pair_key(left_id, right_id));
    if (it == merges_.end()) return;
    push_candidate(scratch.queue, Candidate{it->second.rank, left, right, left_id, right_id, it->second.merged_id},
                   comes_later<Candidate>);
}

// A finished symbol is its token; one that is no token falls back, like llama.cpp, to the tokens whose text
// is a single char of its spelling, dropping the chars that have none.
void BpeModel::emit_symbol(std::string_view bytes, int32_t id, std::vector<TokenId>& out) const {
    const TokenId token = id >= 0 ? symbol_token_[id] : byte_token_[static_cast<uint8_t>(bytes[0])];
    if (token != kNoToken) {
        out.push_back(token);
        return;
    }
    for (char c : encode_bytes(bytes)) {
        const TokenId t = char_token_[static_cast<uint8_t>(c)];
        if (t != kNoToken) out.push_back(t);
    }
}

}  // namespace tokenizer
