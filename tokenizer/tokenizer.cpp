#include "tokenizer/tokenizer.h"

#include <algorithm>
#include <cstdlib>

#include <fmt/format.h>

#include "gguf/gguf_file.h"
#include "tokenizer/bpe.h"
#include "tokenizer/byte_encoding.h"
#include "tokenizer/clean_spaces.h"
#include "tokenizer/special_tokens.h"
#include "tokenizer/spm.h"
#include "tokenizer/tokenizer_error.h"

namespace tokenizer {

namespace {

constexpr std::string_view kSpmSpace = "\xE2\x96\x81";  // U+2581 "▁"

std::string replace_all(std::string_view text, std::string_view from, std::string_view to) {
    std::string out;
    out.reserve(text.size());
    for (size_t pos = 0;;) {
        const size_t found = text.find(from, pos);
        out.append(text.substr(pos, found - pos));
        if (found == std::string_view::npos) return out;
        out.append(to);
        pos = found + from.size();
    }
}

}  // namespace

Tokenizer::Tokenizer(Tokenizer&&) noexcept = default;
Tokenizer& Tokenizer::operator=(Tokenizer&&) noexcept = default;
Tokenizer::~Tokenizer() = default;

Tokenizer Tokenizer::from_gguf(const gguf::File& file) {
    Tokenizer t;
    t.vocab_ = load_vocab(file);
    if (t.vocab_.type == VocabType::Bpe) {
        try {
            t.bpe_ = std::make_unique<BpeModel>(t.vocab_, file.get_string_array("tokenizer.ggml.merges"));
        } catch (const Error& e) {
            throw Error(fmt::format("{}: {}", file.source(), e.what()));
        }
    } else
        t.spm_ = std::make_unique<SpmModel>(t.vocab_);
    t.pieces_.reserve(t.vocab_.size());
    for (size_t id = 0; id < t.vocab_.size(); ++id) t.pieces_.push_back(t.make_piece(static_cast<TokenId>(id)));
    t.chat_template_ = ChatTemplate::from_jinja(file.get_string_or("tokenizer.chat_template", ""));
    return t;
}

// The bytes a token stands for, special tokens rendered as their text (llama.cpp's token_to_piece).
std::string Tokenizer::make_piece(TokenId id) const {
    const std::string& text = vocab_.text[id];
    const uint16_t attr = vocab_.attr[id];
    if (attr & (kAttrControl | kAttrUnknown | kAttrUserDefined)) return text;
    if (attr & kAttrNormal) {
        if (vocab_.type == VocabType::Spm) return replace_all(text, kSpmSpace, " ");
        // A byte-level token that spells no bytes (not in a well-formed vocabulary) is shown as it is.
        return decode_bytes(text).value_or(text);
    }
    if (attr & kAttrByte) {
        if (text.size() < 3) return text;
        // "<0xNN>": the hex digits after "<0x", read like strtol (0 when there are none)
        return std::string(1, static_cast<char>(std::strtol(text.substr(3, 2).c_str(), nullptr, 16)));
    }
    return "";  // unused and undefined tokens
}

std::vector<TokenId> Tokenizer::encode(std::string_view text, bool add_special, bool parse_special) const {
    return encode_fragments(text, split_special_tokens(text, vocab_, parse_special), add_special);
}

std::vector<TokenId> Tokenizer::encode(std::string_view text, bool add_special,
                                       const std::vector<TextRange>& plain) const {
    return encode_fragments(text, split_special_tokens_outside(text, vocab_, plain), add_special);
}

std::vector<TokenId> Tokenizer::encode_fragments(std::string_view text, const std::vector<Fragment>& fragments,
                                                 bool add_special) const {
    std::vector<TokenId> out;
    if (add_special && vocab_.add_bos && vocab_.bos != kNoToken) out.push_back(vocab_.bos);
    bool after_special = true;  // SPM: a space goes before text that starts the prompt or follows a special token
    for (const Fragment& f : fragments) {
        if (f.token != kNoToken) {
            out.push_back(f.token);
            after_special = true;
            continue;
        }
        const std::string_view fragment = text.substr(f.begin, f.end - f.begin);
        if (bpe_) {
            bpe_->encode(fragment, vocab_, out);
        } else {
            const std::string prefix = vocab_.add_space_prefix && after_special ? " " : "";
            spm_->encode(replace_all(prefix + std::string(fragment), " ", kSpmSpace), vocab_, out);
        }
        after_special = false;
    }
    if (add_special && vocab_.add_eos && vocab_.eos != kNoToken) out.push_back(vocab_.eos);
    return out;
}

std::string Tokenizer::decode(const std::vector<TokenId>& ids, bool render_special) const {
    std::string out;
    bool strip_space = vocab_.add_space_prefix;  // from the first piece only, whatever it is
    for (const TokenId id : ids) {
        std::string_view piece = token_to_piece(id, render_special);
        if (strip_space && !piece.empty() && piece.front() == ' ') piece.remove_prefix(1);
        strip_space = false;
        out.append(piece);
    }
    return vocab_.clean_spaces ? clean_up_spaces(out) : out;
}

const std::string& Tokenizer::token_to_piece(TokenId id, bool render_special) const {
    static const std::string kEmpty;
    check_id(id);
    if (!render_special && (vocab_.attr[id] & (kAttrControl | kAttrUnknown))) return kEmpty;
    return pieces_[id];
}

const std::string& Tokenizer::token_text(TokenId id) const {
    check_id(id);
    return vocab_.text[id];
}

bool Tokenizer::is_eog(TokenId id) const { return std::binary_search(vocab_.eog.begin(), vocab_.eog.end(), id); }

void Tokenizer::check_id(TokenId id) const {
    if (id < 0 || !vocab_.has(static_cast<uint32_t>(id)))
        throw Error(fmt::format("token id {} is out of range (vocabulary of {} tokens)", id, vocab_.size()));
}

}  // namespace tokenizer
