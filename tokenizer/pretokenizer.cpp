#include "tokenizer/pretokenizer.h"

#include <algorithm>
#include <cstdint>
#include <string>
#include <utility>

#include "tokenizer/unicode.h"

namespace tokenizer {

namespace {

// A span of code point indices [begin, end).
struct Range {
    size_t begin;
    size_t end;
};
using Pieces = std::vector<Range>;

struct Codepoints {
    std::vector<uint32_t> cp;
    std::vector<uint16_t> flags;
    std::vector<size_t> offset;  // byte offset of each code point, and one past the last

    explicit Codepoints(std::string_view text) {
        cp.reserve(text.size());
        offset.reserve(text.size() + 1);
        for (size_t pos = 0; pos < text.size();) {
            offset.push_back(pos);
            cp.push_back(decode_utf8(text, pos));
        }
        offset.push_back(text.size());
        flags.resize(cp.size());
        for (size_t i = 0; i < cp.size(); ++i) flags[i] = cp[i] < 0x80 ? ascii_flags(cp[i]) : codepoint_flags(cp[i]);
    }

    static uint16_t ascii_flags(uint32_t c) {
        static const auto table = [] {
            std::vector<uint16_t> t(0x80);
            for (uint32_t i = 0; i < 0x80; ++i) t[i] = codepoint_flags(i);
            return t;
        }();
        return table[c];
    }
};

// One piece being split: code points past its end read as kNone with no flags, like llama.cpp's custom
// splitters see them.
class Piece {
public:
    static constexpr uint32_t kNone = 0xFFFFFFFF;

    Piece(const Codepoints& text, Range range, Pieces& out) : text_(text), range_(range), out_(out) {}

    size_t begin() const { return range_.begin; }
    size_t end() const { return range_.end; }
    uint32_t cp(size_t i) const { return i < range_.end ? text_.cp[i] : kNone; }
    uint16_t flags(size_t i) const { return i < range_.end ? text_.flags[i] : 0; }
    bool has(size_t i, uint16_t flag) const { return (flags(i) & flag) != 0; }
    bool is_line_break(size_t i) const { return cp(i) == '\r' || cp(i) == '\n'; }

    // Emits [previous end, end) as a word and returns end.
    size_t emit(size_t end) {
        if (end > emitted_) out_.push_back({emitted_, end});
        emitted_ = end;
        return end;
    }

private:
    const Codepoints& text_;
    Range range_;
    Pieces& out_;
    size_t emitted_ = range_.begin;
};

uint32_t ascii_lower(uint32_t c) { return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c; }

// 's|'t|'re|'ve|'m|'ll|'d at pos (letters compared after `fold`): the end of the match, or 0.
template <typename Fold>
size_t match_contraction(const Piece& p, size_t pos, Fold fold) {
    if (p.cp(pos) != '\'' || pos + 1 >= p.end()) return 0;
    const uint32_t c1 = fold(p.cp(pos + 1));
    if (c1 == 's' || c1 == 't' || c1 == 'm' || c1 == 'd') return pos + 2;
    if (pos + 2 >= p.end()) return 0;
    const uint32_t c2 = fold(p.cp(pos + 2));
    if ((c1 == 'r' && c2 == 'e') || (c1 == 'v' && c2 == 'e') || (c1 == 'l' && c2 == 'l')) return pos + 3;
    return 0;
}

// \s+(?!\S)|\s+ at pos: a whitespace run gives up its last code point to the word that follows it.
size_t match_whitespace(const Piece& p, size_t pos) {
    size_t n = 0;
    while (p.has(pos + n, kWhitespace)) ++n;
    if (n > 1 && p.cp(pos + n) != Piece::kNone) return pos + n - 1;
    return pos + std::max<size_t>(n, 1);  // no match at all: the code point stands alone
}

// 's|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+  (llama.cpp's custom GPT-2 splitter)
void split_gpt2(Piece& p) {
    for (size_t pos = p.begin(); pos < p.end();) {
        if (const size_t end = match_contraction(p, pos, [](uint32_t c) { return c; })) {
            pos = p.emit(end);
            continue;
        }
        const size_t start = pos + (p.cp(pos) == ' ');  // the optional leading space
        const uint16_t first = p.flags(start);
        size_t end = start;
        if (first & kLetter) {
            while (p.has(end, kLetter)) ++end;
        } else if (first & kNumber) {
            while (p.has(end, kNumber)) ++end;
        } else if (first != 0 && !(first & kWhitespace)) {
            while (p.flags(end) != 0 && !p.has(end, kWhitespace | kLetter | kNumber)) ++end;
        } else {
            end = match_whitespace(p, pos);
        }
        pos = p.emit(end);
    }
}

// (?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,max_digits}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|
// \s+(?!\S)|\s+  (llama.cpp's custom Llama-3 splitter; Qwen2 uses max_digits = 1)
void split_llama3(Piece& p, size_t max_digits) {
    for (size_t pos = p.begin(); pos < p.end();) {
        if (const size_t end = match_contraction(p, pos, ascii_lower)) {
            pos = p.emit(end);
            continue;
        }
        const uint16_t flags = p.flags(pos);
        if (!p.is_line_break(pos) && !(flags & kNumber) && ((flags & kLetter) || p.has(pos + 1, kLetter))) {
            size_t end = pos + 1;
            while (p.has(end, kLetter)) ++end;
            pos = p.emit(end);
            continue;
        }
        if (flags & kNumber) {
            size_t end = pos;
            while (p.has(end, kNumber)) {
                if (++end - pos == max_digits) pos = p.emit(end);
            }
            pos = p.emit(end);
            continue;
        }
        const size_t start = pos + (p.cp(pos) == ' ');
        if (!p.has(start, kWhitespace | kLetter | kNumber)) {  // past the end too, as in llama.cpp
            size_t end = start;
            while (p.flags(end) != 0 && !p.has(end, kWhitespace | kLetter | kNumber)) ++end;
            while (p.is_line_break(end)) ++end;
            pos = p.emit(end);
            continue;
        }
        size_t n = 0;
        size_t after_last_break = 0;
        for (; p.has(pos + n, kWhitespace); ++n) {
            if (p.is_line_break(pos + n)) after_last_break = pos + n + 1;
        }
        pos = p.emit(after_last_break ? after_last_break : match_whitespace(p, pos));
    }
}

// The std::regex pieces: a regex's matches, found left to right, and the gaps between them.
// `find(p, pos)` returns the leftmost match starting at or after pos, or an empty range at the end.
template <typename Find>
void split_matches(Piece& p, Find find) {
    for (size_t pos = p.begin(); pos < p.end();) {
        const Range match = find(p, pos);
        if (match.begin >= p.end()) break;
        p.emit(match.begin);
        pos = p.emit(match.end);
    }
    p.emit(p.end());
}

// X  (each matching code point on its own)
template <typename Pred>
auto isolate(Pred pred) {
    return [pred](const Piece& p, size_t pos) {
        while (pos < p.end() && !pred(p, pos)) ++pos;
        return Range{pos, std::min(pos + 1, p.end())};
    };
}

// \s?X+  (with_space) or X+
template <typename Pred>
auto runs(Pred pred, bool with_space) {
    return [pred, with_space](const Piece& p, size_t pos) {
        for (; pos < p.end(); ++pos) {
            size_t end = pos;
            if (with_space && p.has(pos, kWhitespace) && pos + 1 < p.end() && pred(p, pos + 1)) ++end;
            if (end == pos && !pred(p, pos)) continue;
            while (end < p.end() && pred(p, end)) ++end;
            return Range{pos, end};
        }
        return Range{pos, pos};
    };
}

// \s+$
Range trailing_whitespace(const Piece& p, size_t pos) {
    size_t begin = p.end();
    while (begin > pos && p.has(begin - 1, kWhitespace)) --begin;
    return begin < p.end() ? Range{begin, p.end()} : Range{p.end(), p.end()};
}

// [0-9][0-9][0-9]
Range ascii_digit_triple(const Piece& p, size_t pos) {
    const auto digit = [&](size_t i) { return p.cp(i) >= '0' && p.cp(i) <= '9'; };
    for (; pos + 3 <= p.end(); ++pos) {
        if (digit(pos) && digit(pos + 1) && digit(pos + 2)) return {pos, pos + 3};
    }
    return {p.end(), p.end()};
}

template <uint16_t Flag>
bool has_flag(const Piece& p, size_t i) {
    return p.has(i, Flag);
}

bool is_line_break(const Piece& p, size_t i) { return p.is_line_break(i); }

// [\p{P}$+<=>^~|] and, with the backtick, Falcon's [\p{P}$+<=>^~|`]
template <bool WithBacktick>
bool is_punctuation_or_ascii_symbol(const Piece& p, size_t i) {
    static constexpr std::string_view kSymbols = WithBacktick ? "$+<=>^~|`" : "$+<=>^~|";
    const uint32_t c = p.cp(i);
    return p.has(i, kPunctuation) || (c < 0x80 && kSymbols.find(static_cast<char>(c)) != std::string_view::npos);
}

// A bracket expression of code points and ranges, as std::wregex reads "[...]" in llama.cpp, where every
// non-ASCII whitespace code point has been replaced by U+000B (which no class here contains).
class CharClass {
public:
    using CodepointRange = std::pair<uint32_t, uint32_t>;  // [first, last]

    explicit CharClass(std::vector<CodepointRange> ranges) {
        // Sorted and merged, so the range starting last at or before c is the only candidate.
        std::sort(ranges.begin(), ranges.end());
        for (const auto& r : ranges) {
            if (!ranges_.empty() && r.first <= ranges_.back().second + 1)
                ranges_.back().second = std::max(ranges_.back().second, r.second);
            else
                ranges_.push_back(r);
        }
    }

    bool contains(const Piece& p, size_t i) const {
        const uint32_t c = p.cp(i);
        if (c >= 0x80 && p.has(i, kWhitespace)) return false;
        const auto it = std::upper_bound(ranges_.begin(), ranges_.end(), CodepointRange{c, Piece::kNone});
        return it != ranges_.begin() && c <= std::prev(it)->second;
    }

private:
    std::vector<CodepointRange> ranges_;
};

// The classes of deepseek-llm's and deepseek-coder's regexes in llama.cpp, as code points: the regex source
// holds characters that Unicode normalization would change (U+1F7D, U+1FD3, U+1FDB, U+2126, U+212A).
// [A-Za-zµÀ-ÖØ-öø-ƺƼ-ƿǄ-ʓʕ-ʯͰ-ͳͶͷͻ-ͽͿΆΈ-ΊΌΎ-ΡΣ-ϵϷ-ҁҊ-ԯԱ-Ֆ...] (Latin, Greek, Cyrillic, Armenian, ... letters)
const CharClass& deepseek_letters() {
    static const CharClass c({
        {0x41, 0x5A}, {0x61, 0x7A}, {0xB5, 0xB5}, {0xC0, 0xD6}, {0xD8, 0xF6}, {0xF8, 0x1BA}, {0x1BC, 0x1BF},
        {0x1C4, 0x293}, {0x295, 0x2AF}, {0x370, 0x373}, {0x376, 0x377}, {0x37B, 0x37D}, {0x37F, 0x37F},
        {0x386, 0x386}, {0x388, 0x38A}, {0x38C, 0x38C}, {0x38E, 0x3A1}, {0x3A3, 0x3F5}, {0x3F7, 0x481},
        {0x48A, 0x52F}, {0x531, 0x556}, {0x10A0, 0x10C5}, {0x13A0, 0x13F5}, {0x13F8, 0x13FD}, {0x1C90, 0x1CBA},
        {0x1CBD, 0x1CBF}, {0x1D00, 0x1D2B}, {0x1D6B, 0x1D77}, {0x1D79, 0x1D9A}, {0x1E00, 0x1F15},
        {0x1F18, 0x1F1D}, {0x1F20, 0x1F45}, {0x1F48, 0x1F4D}, {0x1F50, 0x1F57}, {0x1F59, 0x1F59},
        {0x1F5B, 0x1F5B}, {0x1F5D, 0x1F5D}, {0x1F5F, 0x1F7D}, {0x1F80, 0x1FB4}, {0x1FB6, 0x1FBC},
        {0x1FBE, 0x1FBE}, {0x1FC2, 0x1FC4}, {0x1FC6, 0x1FCC}, {0x1FD0, 0x1FD3}, {0x1FD6, 0x1FDB},
        {0x1FE0, 0x1FEC}, {0x1FF2, 0x1FF4}, {0x1FF6, 0x1FFC}, {0x2102, 0x2102}, {0x2107, 0x2107},
        {0x210A, 0x2113}, {0x2115, 0x2115}, {0x2119, 0x211D}, {0x2124, 0x2124}, {0x2126, 0x2126},
        {0x2128, 0x2128}, {0x212A, 0x212D}, {0x212F, 0x2134}, {0x2139, 0x2139}, {0x213C, 0x213F},
        {0x2145, 0x2149}, {0x214E, 0x214E}, {0x2183, 0x2184}, {0x2C00, 0x2C7B}, {0x2C7E, 0x2CE4},
        {0x2CEB, 0x2CEE}, {0x2CF2, 0x2CF3}, {0xA640, 0xA66D}, {0xA680, 0xA69B}, {0xA722, 0xA76F},
        {0xA771, 0xA787}, {0xA78B, 0xA78E}, {0xAB70, 0xABBF}, {0xFB00, 0xFB06}, {0xFB13, 0xFB17},
        {0xFF21, 0xFF3A}, {0xFF41, 0xFF5A}, {0x10400, 0x1044F}, {0x104B0, 0x104D3}, {0x104D8, 0x104FB},
        {0x10C80, 0x10CB2}, {0x10CC0, 0x10CF2}, {0x118A0, 0x118DF}, {0x1E900, 0x1E943},
    });
    return c;
}
// [!-/:-~！-／：-～‘-‟　-。]
const CharClass& deepseek_punctuation() {
    static const CharClass c(
        {{0x21, 0x2F}, {0x3A, 0x7E}, {0xFF01, 0xFF0F}, {0xFF1A, 0xFF5E}, {0x2018, 0x201F}, {0x3000, 0x3002}});
    return c;
}
// [一-龥ࠀ-一가-퟿]
const CharClass& deepseek_cjk() {
    static const CharClass c({{0x4E00, 0x9FA5}, {0x800, 0x4E00}, {0xAC00, 0xD7FF}});
    return c;
}

template <const CharClass& (*Class)()>
bool in_class(const Piece& p, size_t i) {
    return Class().contains(p, i);
}

// Applies one splitter to every piece of `pieces`.
template <typename Split>
Pieces apply(const Codepoints& text, const Pieces& pieces, Split split) {
    Pieces out;
    out.reserve(pieces.size() * 2);
    for (const Range& range : pieces) {
        Piece p(text, range, out);
        split(p);
    }
    return out;
}

template <typename Find>
Pieces apply_regex(const Codepoints& text, const Pieces& pieces, Find find) {
    return apply(text, pieces, [&](Piece& p) { split_matches(p, find); });
}

Pieces split_all(PreTokenizer kind, const Codepoints& text) {
    Pieces pieces{{0, text.cp.size()}};
    const auto gpt2 = [&] { pieces = apply(text, pieces, split_gpt2); };
    const auto regex = [&](auto find) { pieces = apply_regex(text, pieces, find); };
    switch (kind) {
        case PreTokenizer::Default:
            regex(runs(is_punctuation_or_ascii_symbol<false>, false));
            gpt2();
            regex(runs(has_flag<kNumber>, false));
            regex(ascii_digit_triple);
            break;
        case PreTokenizer::Gpt2:
            gpt2();
            break;
        case PreTokenizer::StarCoder:
            regex(isolate(has_flag<kNumber>));
            gpt2();
            break;
        case PreTokenizer::Falcon:
            regex(runs(is_punctuation_or_ascii_symbol<true>, false));
            gpt2();
            regex(ascii_digit_triple);
            break;
        case PreTokenizer::DeepseekLlm:
            regex(isolate(is_line_break));
            regex(runs(in_class<deepseek_letters>, true));
            regex(runs(in_class<deepseek_punctuation>, true));
            regex(trailing_whitespace);
            regex(runs(in_class<deepseek_cjk>, false));
            regex(runs(has_flag<kNumber>, false));
            break;
        case PreTokenizer::DeepseekCoder:
            regex(isolate(is_line_break));
            regex(runs(has_flag<kLetter>, true));
            regex(runs(has_flag<kPunctuation>, true));
            regex(runs(in_class<deepseek_cjk>, false));
            regex(isolate(has_flag<kNumber>));
            break;
        case PreTokenizer::Llama3:
            pieces = apply(text, pieces, [](Piece& p) { split_llama3(p, 3); });
            break;
        case PreTokenizer::Qwen2:
            pieces = apply(text, pieces, [](Piece& p) { split_llama3(p, 1); });
            break;
    }
    return pieces;
}

}  // namespace

std::vector<TextSpan> pre_tokenize(PreTokenizer kind, std::string_view text) {
    if (text.empty()) return {};
    const Codepoints cps(text);
    const Pieces pieces = split_all(kind, cps);
    std::vector<TextSpan> words;
    words.reserve(pieces.size());
    for (const Range& r : pieces) words.push_back({cps.offset[r.begin], cps.offset[r.end]});
    return words;
}

}  // namespace tokenizer
