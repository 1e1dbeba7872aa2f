// The vocabulary of a GGUF model, read from its tokenizer.ggml.* metadata alone: token texts, scores and
// attributes, the special ids and the flags that steer encoding, all as llama.cpp (src/llama-vocab.cpp)
// derives them, including its defaults for keys that are absent.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "tokenizer/flat_map.h"
#include "tokenizer/pretokenizer.h"

namespace gguf {
class File;
}

namespace tokenizer {

using TokenId = int32_t;
constexpr TokenId kNoToken = -1;

// llama.cpp's token attributes; the first ones follow tokenizer.ggml.token_type.
enum TokenAttr : uint16_t {
    kAttrUndefined = 0,
    kAttrUnknown = 1 << 0,
    kAttrUnused = 1 << 1,
    kAttrNormal = 1 << 2,
    kAttrControl = 1 << 3,
    kAttrUserDefined = 1 << 4,
    kAttrByte = 1 << 5,
    kAttrLstrip = 1 << 7,  // special-token matching eats the whitespace before / after the token
    kAttrRstrip = 1 << 8,
};

enum class VocabType {
    Spm,  // tokenizer.ggml.model = llama: SentencePiece-style, score-ordered merges, byte fallback
    Bpe,  // tokenizer.ggml.model = gpt2: byte-level BPE with rank-ordered merges
};

struct Vocab {
    VocabType type = VocabType::Spm;
    PreTokenizer pre = PreTokenizer::Default;  // BPE only

    std::vector<std::string> text;   // per token id
    std::vector<float> score;        // SPM merge priority
    std::vector<uint16_t> attr;      // TokenAttr bits
    FlatMap<std::string_view, TokenId> id_of_text;  // views into `text`

    TokenId bos = kNoToken, eos = kNoToken, unk = kNoToken, pad = kNoToken;
    TokenId eot = kNoToken, eom = kNoToken;
    TokenId fim_pre = kNoToken, fim_suf = kNoToken, fim_mid = kNoToken;
    TokenId fim_pad = kNoToken, fim_rep = kNoToken, fim_sep = kNoToken;
    std::vector<TokenId> eog;             // end-of-generation ids, ascending
    std::vector<TokenId> special_tokens;  // control, user-defined and unknown ids, longest text first

    bool add_bos = false;           // put BOS before a prompt
    bool add_eos = false;           // put EOS after it
    bool add_space_prefix = false;  // SPM: a space before text that starts the prompt or follows a special token
    bool clean_spaces = false;      // decoding removes the space before ?!., and in " 's" etc.
    bool ignore_merges = false;     // BPE: a word that is a token is taken whole

    size_t size() const { return text.size(); }
    bool has(uint32_t id) const { return id < text.size(); }
    TokenId find(std::string_view token_text) const {
        const TokenId* id = id_of_text.find(token_text);
        return id ? *id : kNoToken;
    }
};

// Throws gguf::Error for missing or mistyped keys and tokenizer::Error for an unsupported tokenizer.
Vocab load_vocab(const gguf::File& file);

}  // namespace tokenizer
