#include "tokenizer/special_tokens.h"

namespace tokenizer {

namespace {

bool is_ascii_space(char c) { return c == ' ' || (c >= '\t' && c <= '\r'); }

// Appends the pieces of one text fragment split at every occurrence of one special token.
void split_fragment(std::string_view text, const Fragment& fragment, TokenId token, std::string_view token_text,
                    uint16_t attr, std::vector<Fragment>& out) {
    size_t begin = fragment.begin;
    const size_t end = fragment.end;
    while (begin < end) {
        const size_t match = text.substr(0, end).find(token_text, begin);
        if (match == std::string_view::npos) break;
        size_t left_end = match;
        if (attr & kAttrLstrip) {
            while (left_end > begin && is_ascii_space(text[left_end - 1])) --left_end;
        }
        if (left_end > begin) out.push_back({kNoToken, begin, left_end});
        out.push_back({token, match, match + token_text.size()});
        begin = match + token_text.size();
        if (attr & kAttrRstrip) {
            while (begin < end && is_ascii_space(text[begin])) ++begin;
        }
    }
    if (begin < end) out.push_back({kNoToken, begin, end});
}

}  // namespace

std::vector<Fragment> split_special_tokens(std::string_view text, const Vocab& vocab, bool parse_special) {
    std::vector<Fragment> fragments;
    if (text.empty()) return fragments;
    fragments.push_back({kNoToken, 0, text.size()});
    std::vector<Fragment> next;
    for (const TokenId token : vocab.special_tokens) {
        const uint16_t attr = vocab.attr[token];
        if (!parse_special && (attr & (kAttrControl | kAttrUnknown))) continue;
        const std::string_view token_text = vocab.text[token];
        if (text.find(token_text) == std::string_view::npos) continue;
        next.clear();
        for (const Fragment& f : fragments) {
            if (f.token == kNoToken)
                split_fragment(text, f, token, token_text, attr, next);
            else
                next.push_back(f);
        }
        fragments.swap(next);
    }
    return fragments;
}

std::vector<Fragment> split_special_tokens_outside(std::string_view text, const Vocab& vocab,
                                                   const std::vector<TextRange>& plain) {
    std::vector<Fragment> out;
    auto add_part = [&](size_t begin, size_t end, bool parse_special) {
        for (Fragment f : split_special_tokens(text.substr(begin, end - begin), vocab, parse_special)) {
            f.begin += begin;
            f.end += begin;
            const bool joins = f.token == kNoToken && !out.empty() && out.back().token == kNoToken && out.back().end == f.begin;
            if (joins) out.back().end = f.end;
            else out.push_back(f);
        }
    };
    size_t at = 0;
    for (const TextRange& range : plain) {
        add_part(at, range.begin, true);
        add_part(range.begin, range.end, false);
        at = range.end;
    }
    add_part(at, text.size(), true);
    return out;
}

}  // namespace tokenizer
