// Text of generated tokens as it streams out, one token at a time, never splitting a UTF-8 character:
//
//   tokenizer::StreamDecoder stream(tok);
//   for (id : generated) fputs(stream.push(id).c_str(), stdout);   // complete characters only
//   fputs(stream.flush().c_str(), stdout);                          // whatever is left (e.g. a cut character)
//
// A token's bytes may end inside a character (byte-level BPE and <0xNN> byte tokens split them); the decoder
// holds such a partial character until the tokens that complete it arrive. The output is always valid UTF-8:
// bytes that cannot belong to a character (invalid, overlong, surrogate) come out as U+FFFD. For valid text
// the concatenated output equals tok.decode(ids) — the pieces, the first one without its leading space when
// the vocabulary adds a space prefix — except that vocabularies with clean_spaces get their pieces as they
// are (llama.cpp's streaming prints pieces too; its clean-up only runs on whole texts).
#pragma once

#include <string>

#include "tokenizer/tokenizer.h"

namespace tokenizer {

class StreamDecoder {
public:
    explicit StreamDecoder(const Tokenizer& tokenizer) : tokenizer_(tokenizer) {}

    // The text completed by this token, possibly empty. Control tokens add nothing.
    // Throws tokenizer::Error for an id outside the vocabulary.
    std::string push(TokenId id);
    // Ends the text: a held partial character comes out as one U+FFFD; the next push starts a new text (and
    // strips its first space again).
    std::string flush();

private:
    const Tokenizer& tokenizer_;
    std::string held_;  // bytes of a partial character
    bool at_start_ = true;
};

// Length of the longest prefix of `bytes` that does not end inside a UTF-8 sequence (a lead byte whose
// continuation bytes have not all arrived). Invalid bytes count as complete.
size_t complete_utf8_prefix(const std::string& bytes);

}  // namespace tokenizer
