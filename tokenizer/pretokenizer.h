// Pre-tokenizers of byte-level BPE vocabularies: the regex sets llama.cpp selects by tokenizer.ggml.pre,
// implemented by hand (no std::regex) over the Unicode properties of tokenizer/unicode.h.
#pragma once

#include <cstddef>
#include <string_view>
#include <vector>

namespace tokenizer {

// Each kind is one regex list of llama.cpp's llm_tokenizer_bpe; the lists are applied one after the
// other, each splitting the pieces the previous one left (a regex's matches and the gaps between them).
enum class PreTokenizer {
    Default,        // [\p{P}$+<=>^~|]+ ; GPT-2 ; \p{N}+ ; [0-9][0-9][0-9]
    Gpt2,           // 's|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+
    StarCoder,      // \p{N} ; GPT-2            (starcoder, refact, smollm, ...)
    Falcon,         // [\p{P}$+<=>^~|`]+ ; GPT-2 ; [0-9][0-9][0-9]
    DeepseekLlm,    // [\r\n] ; \s?[Latin/Greek/Cyrillic/... letters]+ ; \s?[ASCII and fullwidth punctuation]+ ;
                    // \s+$ ; [CJK and Hangul]+ ; \p{N}+
    DeepseekCoder,  // [\r\n] ; \s?\p{L}+ ; \s?\p{P}+ ; [CJK and Hangul]+ ; \p{N}
    Llama3,         // (?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|
                    // \s*[\r\n]+|\s+(?!\S)|\s+
    Qwen2,          // as Llama3 with \p{N} instead of \p{N}{1,3}
};

struct TextSpan {
    size_t begin;  // byte offsets into the text
    size_t end;
};

// Splits text into words that cover it in order. The text must be what sanitize_utf8 returns (the byte-level
// BPE input); like llama.cpp, \s is White_Space, and where a regex has no custom implementation in llama.cpp
// its std::regex semantics (leftmost match, greedy) are reproduced.
std::vector<TextSpan> pre_tokenize(PreTokenizer kind, std::string_view text);

}  // namespace tokenizer
