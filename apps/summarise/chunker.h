// Cuts the summariser's input, as it streams in, into chunks of at most N tokens (as each chunk tokenizes on
// its own), preferring to end a chunk at the end of a paragraph, then of a sentence, then of a line, then of
// a word, in its second half; failing all of them, at a token boundary. A cut never falls inside a UTF-8
// character, and (where the tokens' pieces spell the text, which they do for valid text) never inside a token.
//
//   summarise::Chunker chunker(tokenizer, 1000);
//   chunker.push(bytes_read);
//   while (auto chunk = chunker.next(/*flush=*/false)) summarise(*chunk);   // only once more than 1000 wait
//   ... at the end of input: while (auto chunk = chunker.next(true)) ...    // the rest, in chunks
//
// Only the text not yet cut is held: a few chunks' worth at most when the caller takes chunks as it reads.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "tokenizer/tokenizer.h"

namespace summarise {

struct Chunk {
    std::string text;
    size_t tokens = 0;  // as the text tokenizes alone, without BOS
};

class Chunker {
public:
    // max_tokens >= 1.
    Chunker(const tokenizer::Tokenizer& tokenizer, size_t max_tokens);

    void push(std::string_view bytes) { pending_.append(bytes); }
    size_t pending_bytes() const { return pending_.size(); }

    // The next chunk: without flush, only when the text waiting holds more than max_tokens tokens (text
    // that may still grow is never cut at its end; a UTF-8 character cut by the read waits for its end);
    // with flush, also what is left (a final partial character included).
    std::optional<Chunk> next(bool flush);

private:
    Chunk take(size_t bytes, size_t tokens);

    const tokenizer::Tokenizer& tokenizer_;
    size_t max_tokens_;
    std::string pending_;
};

}  // namespace summarise
