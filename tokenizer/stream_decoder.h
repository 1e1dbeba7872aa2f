// Text of generated tokens as it streams out, one token at a time, never splitting a UTF-8 character:
//
//   tokenizer::StreamDecoder stream(tok);
//   for (id : generated) fputs(stream.push(id).c_str(), stdout);   // complete characters only
//   fputs(stream.flush().c_str(), stdout);                          // whatever is left (e.g. a cut character)
//
// The concatenated output equals tok.decode(ids) — the pieces, the first one without its leading space when
// the vocabulary adds a space prefix — except that vocabularies with clean_spaces get their pieces as they
// are (llama.cpp's streaming prints pieces too; its clean-up only runs on whole texts).
#pragma once

#include <string>

#include "tokenizer/tokenizer.h"

namespace tokenizer {

class StreamDecoder {
public:
    explicit StreamDecoder(const Tokenizer& tokenizer) : tokenizer_(tokenizer) {}

    // The bytes that are ready after this token: all but a trailing incomplete UTF-8 sequence, which waits for
    // the next token. Throws tokenizer::Error for an id outside the vocabulary.
    std::string push(TokenId id);
    // The bytes still held back; the next push starts a new text (and strips its first space again).
    std::string flush();

private:
    const Tokenizer& tokenizer_;
    std::string held_;
    bool at_start_ = true;
};

// Length of the longest prefix of `bytes` that does not end inside a UTF-8 sequence (a lead byte whose
// continuation bytes have not all arrived). Invalid bytes count as complete.
size_t complete_utf8_prefix(const std::string& bytes);

}  // namespace tokenizer
