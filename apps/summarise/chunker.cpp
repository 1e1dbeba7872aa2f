#include "apps/summarise/chunker.h"

#include <algorithm>
#include <vector>

#include "apps/summarise/ascii_space.h"
#include "tokenizer/unicode.h"

namespace summarise {
namespace {

using tokenizer::TokenId;

// Kinds of places to end a chunk, from the worst to the best.
enum class Boundary { Token, Word, Line, Sentence, Paragraph };

bool is_continuation(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }

// The length of `text` without a UTF-8 character cut off at its end.
size_t complete_characters(std::string_view text) {
    const size_t n = text.size();
    for (size_t back = 1; back <= std::min<size_t>(4, n); ++back) {
        if (is_continuation(text[n - back])) continue;
        return tokenizer::utf8_sequence_length(static_cast<uint8_t>(text[n - back])) > back ? n - back : n;
    }
    return n;
}

bool ends_sentence(std::string_view before, char after) {
    for (std::string_view wide_stop : {"\u3002", "\uFF01", "\uFF1F"})  // 。！？ need no space after them
        if (before.size() >= wide_stop.size() && before.substr(before.size() - wide_stop.size()) == wide_stop)
            return true;
    const char last = before.back();
    return (last == '.' || last == '!' || last == '?') && is_ascii_space(after);
}

// What ending a chunk of `text` at byte `end` (0 < end) would cut.
Boundary boundary_at(std::string_view text, size_t end) {
    if (end >= text.size()) return Boundary::Token;
    if (text[end - 1] == '\n') {
        size_t newline = end - 1;
        if (newline > 0 && text[newline - 1] == '\r') --newline;
        return newline > 0 && text[newline - 1] == '\n' ? Boundary::Paragraph : Boundary::Line;
    }
    if (ends_sentence(text.substr(0, end), text[end])) return Boundary::Sentence;
    if (is_ascii_space(text[end]) || is_ascii_space(text[end - 1])) return Boundary::Word;
    return Boundary::Token;
}

// The best of the ends `candidate(i)` gives for i = 0 .. count-1 (the latest first): the latest one of the
// best kind, never inside a UTF-8 character; `fallback` when every one is.
template <typename Candidate>
size_t best_end(std::string_view text, size_t count, Candidate candidate, size_t fallback) {
    size_t best = fallback;
    int best_kind = -1;
    for (size_t i = 0; i < count && best_kind < static_cast<int>(Boundary::Paragraph); ++i) {
        const size_t end = candidate(i);
        if (end == 0 || (end < text.size() && is_continuation(text[end]))) continue;
        const int kind = static_cast<int>(boundary_at(text, end));
        if (kind > best_kind) best = end, best_kind = kind;
    }
    return best;
}

// Where each token of `ids` ends in `text`, when their pieces spell it (a SentencePiece space prefix aside);
// empty when they do not (unknown tokens, invalid UTF-8 read as U+FFFD).
std::vector<size_t> token_ends(const tokenizer::Tokenizer& tok, std::string_view text, const std::vector<TokenId>& ids) {
    std::vector<size_t> ends;
    ends.reserve(ids.size());
    size_t at = 0;
    for (size_t i = 0; i < ids.size(); ++i) {
        std::string_view piece = tok.token_to_piece(ids[i]);
        if (i == 0 && tok.strips_leading_space() && !piece.empty() && piece.front() == ' ') piece.remove_prefix(1);
        if (text.substr(at, piece.size()) != piece) return {};
        at += piece.size();
        ends.push_back(at);
    }
    return at == text.size() ? ends : std::vector<size_t>{};
}

// The end of a chunk of `limit` tokens or a few fewer (down to half): at a token end.
size_t end_at_tokens(std::string_view text, const std::vector<size_t>& ends, size_t limit) {
    const size_t lowest = std::max<size_t>(1, (limit + 1) / 2);
    return best_end(text, limit - lowest + 1, [&](size_t i) { return ends[limit - 1 - i]; }, ends[limit - 1]);
}

// The same by characters, for text whose token ends are unknown: about `bytes` or fewer (down to half).
size_t end_at_characters(std::string_view text, size_t bytes) {
    bytes = std::clamp<size_t>(bytes, 1, text.size());
    size_t fallback = bytes;
    while (fallback > 1 && fallback < text.size() && is_continuation(text[fallback])) --fallback;
    const size_t lowest = std::max<size_t>(1, bytes / 2);
    return best_end(text, bytes - lowest + 1, [&](size_t i) { return bytes - i; }, fallback);
}

// Text tokenizes to at most this many bytes per token in any vocabulary worth summarising with; a longer
// run of text is cut without tokenizing more of it.
constexpr size_t kWindowBytesPerToken = 16;

}  // namespace

Chunker::Chunker(const tokenizer::Tokenizer& tokenizer, size_t max_tokens)
    : tokenizer_(tokenizer), max_tokens_(std::max<size_t>(1, max_tokens)) {}

std::optional<Chunk> Chunker::next(bool flush) {
    const size_t ready = flush ? pending_.size() : complete_characters(pending_);
    // A token spells at least one byte (the SentencePiece space prefix adds one): fewer cannot be too many.
    if (ready == 0 || (!flush && ready < max_tokens_)) return std::nullopt;
    const size_t cap = max_tokens_ * kWindowBytesPerToken;
    const bool capped = ready > cap;
    const std::string_view text(pending_.data(), capped ? complete_characters(std::string_view(pending_.data(), cap)) : ready);
    const std::vector<TokenId> ids = tokenizer_.encode(text, /*add_special=*/false);
    if (ids.size() <= max_tokens_ && !capped) {
        if (!flush) return std::nullopt;
        return take(text.size(), ids.size());
    }
    size_t limit = std::min(max_tokens_, ids.size());
    const std::vector<size_t> ends = token_ends(tokenizer_, text, ids);
    for (;;) {
        const size_t end = ends.empty() ? end_at_characters(text, text.size() * limit / ids.size())
                                        : end_at_tokens(text, ends, limit);
        const size_t tokens = tokenizer_.encode(text.substr(0, end), false).size();
        // Alone, a chunk may tokenize to a few more than as a part of the text.
        if (tokens <= max_tokens_ || limit == 1) return take(end, tokens);
        limit -= std::min(limit - 1, tokens - max_tokens_);
    }
}

Chunk Chunker::take(size_t bytes, size_t tokens) {
    Chunk chunk{pending_.substr(0, bytes), tokens};
    pending_.erase(0, bytes);
    return chunk;
}

}  // namespace summarise
