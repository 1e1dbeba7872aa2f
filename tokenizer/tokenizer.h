// sparse-llm's tokenizer: text <-> token ids for a GGUF model, built from its tokenizer.ggml.* metadata alone
// and matching llama.cpp token for token.
//
//   const gguf::File file = gguf::File::open("model.gguf");
//   const auto tok = tokenizer::Tokenizer::from_gguf(file);
//   std::vector<TokenId> ids = tok.encode("Once upon a time", /*add_special=*/true);  // BOS if the model wants it
//   std::string text = tok.decode(ids);
//
// Two vocabulary types are supported: byte-level BPE (tokenizer.ggml.model = gpt2: GPT-2, SmolLM2, StarCoder,
// Llama-3, Qwen2, DeepSeek, Falcon, MPT, ...; the pre-tokenizer comes from tokenizer.ggml.pre) and
// SentencePiece-style BPE (tokenizer.ggml.model = llama: Llama-2, TinyLlama, stories, Phi-3).
//
// Round trips, decode(encode(t, false)):
// - byte-level BPE, any bytes t: sanitize_utf8(t) (== t for valid UTF-8), less the bytes whose one-byte
//   spelling the vocabulary lacks (StarCoder's, and so SmolLM2's test model's, lacks 0xF1), then
//   clean_up_spaces if the vocabulary cleans spaces (GPT-2, StarCoder, MPT; not SmolLM2, Qwen2, DeepSeek).
//   All as llama.cpp.
// - SentencePiece, valid UTF-8 t: t with every U+2581 "▁" read as a space (encode adds a leading space and
//   writes spaces as ▁; decode undoes both); with BOS, " " + that, as llama.cpp's llama_detokenize gives it.
//   Any bytes t: the same once U+2581 and space are read as one (a space right after a truncated UTF-8 lead
//   byte falls back to the bytes of ▁). Text that merges into a control token's text (e.g. "<s>") would
//   decode to nothing; no such case in the fuzzed vocabularies.
// A Tokenizer is immutable after construction; its const methods may be called from several threads.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "tokenizer/chat_template.h"
#include "tokenizer/special_tokens.h"
#include "tokenizer/tokenizer_error.h"
#include "tokenizer/vocab.h"

namespace gguf {
class File;
}

namespace tokenizer {

class BpeModel;
class SpmModel;

class Tokenizer {
public:
    // Reads the vocabulary, merges, special tokens and chat template. Throws gguf::Error for missing or
    // mistyped metadata and tokenizer::Error for an unsupported tokenizer.ggml.model or tokenizer.ggml.pre.
    static Tokenizer from_gguf(const gguf::File& file);

    Tokenizer(Tokenizer&&) noexcept;
    Tokenizer& operator=(Tokenizer&&) noexcept;
    ~Tokenizer();

    // Text (any bytes) to ids, as llama.cpp's llama_tokenize.
    // add_special: put BOS first (and EOS last) where the model's metadata asks for them (see add_bos()).
    // parse_special: text of control tokens such as "<|im_start|>" or "<s>" becomes those tokens; otherwise
    // it is tokenized as plain text. User-defined tokens are always matched, as in llama.cpp.
    std::vector<TokenId> encode(std::string_view text, bool add_special, bool parse_special = false) const;
    // The same with control tokens parsed everywhere but in the `plain` byte ranges (sorted, disjoint): a
    // template's control tokens are read, the user's text put into it never is.
    std::vector<TokenId> encode(std::string_view text, bool add_special, const std::vector<TextRange>& plain) const;

    // Ids to bytes, as llama_detokenize(remove_special = false, unparse_special = render_special): the pieces
    // concatenated; for SentencePiece vocabularies the first piece loses one leading space; for BPE
    // vocabularies with clean_spaces, " ?", " !", " .", " ," and " 's"-style contractions lose their space.
    // Throws tokenizer::Error for an id outside the vocabulary.
    std::string decode(const std::vector<TokenId>& ids, bool render_special = false) const;

    // The bytes of one token (llama_token_to_piece): control and unknown tokens are empty unless
    // render_special. May end inside a UTF-8 character; see StreamDecoder. Throws for a bad id.
    const std::string& token_to_piece(TokenId id, bool render_special = false) const;
    // The token's text as stored in the vocabulary ("Ġthe", "▁the", "<0x0A>", "<|im_start|>").
    const std::string& token_text(TokenId id) const;

    size_t n_vocab() const { return vocab_.size(); }
    VocabType type() const { return vocab_.type; }
    TokenId bos() const { return vocab_.bos; }  // kNoToken when the model has none
    TokenId eos() const { return vocab_.eos; }
    TokenId unk() const { return vocab_.unk; }
    TokenId pad() const { return vocab_.pad; }
    bool add_bos() const { return vocab_.add_bos; }  // metadata, else llama.cpp's default for the model type
    // Whether decode() drops one leading space of the first piece (SentencePiece's space prefix).
    bool strips_leading_space() const { return vocab_.add_space_prefix; }
    // End of generation, as llama.cpp's llama_vocab_is_eog: EOS, EOT/EOM, FIM pad/repo/separator tokens and
    // tokens such as <|im_end|> or <|endoftext|>.
    bool is_eog(TokenId id) const;
    const std::vector<TokenId>& eog_ids() const { return vocab_.eog; }

    // The prompt text of a chat: see ChatTemplate. Encode it with parse_special = true.
    std::string apply_chat_template(const std::vector<ChatMessage>& messages, bool add_assistant_prompt) const {
        return chat_template_.apply(messages, add_assistant_prompt);
    }
    const ChatTemplate& chat_template() const { return chat_template_; }

private:
    Tokenizer() = default;
    void check_id(TokenId id) const;
    std::vector<TokenId> encode_fragments(std::string_view text, const std::vector<Fragment>& fragments,
                                          bool add_special) const;
    std::string make_piece(TokenId id) const;

    Vocab vocab_;
    std::unique_ptr<BpeModel> bpe_;
    std::unique_ptr<SpmModel> spm_;
    std::vector<std::string> pieces_;  // per id, special tokens rendered
    ChatTemplate chat_template_;
};

}  // namespace tokenizer
