// A vocabulary that parses but lies is refused when the tokenizer is built, with one line naming what is wrong.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "gguf/gguf_file.h"
#include "gguf/gguf_writer.h"
#include "tokenizer/tokenizer.h"
#include "tokenizer/tokenizer_error.h"

namespace {

// A byte-level BPE vocabulary of the printable ASCII characters and "ab", with `merges`.
std::vector<uint8_t> bpe_vocabulary(const std::vector<std::string>& merges) {
    std::vector<std::string> tokens;
    for (int c = 33; c < 127; ++c) tokens.emplace_back(1, static_cast<char>(c));
    tokens.emplace_back("ab");
    gguf::Writer w;
    w.add_string("tokenizer.ggml.model", "gpt2");
    w.add_string_array("tokenizer.ggml.tokens", tokens);
    w.add_string_array("tokenizer.ggml.merges", merges);
    return w.to_bytes();
}

tokenizer::Tokenizer load(const std::vector<uint8_t>& bytes) {
    return tokenizer::Tokenizer::from_gguf(gguf::File::parse(bytes.data(), bytes.size(), "lying.gguf"));
}

}  // namespace

TEST_CASE("tokenizer: merges must name tokens of the vocabulary, in two parts", "[tokenizer]") {
    const auto good = bpe_vocabulary({"a b"});
    CHECK(load(good).encode("ab", false).size() == 1);
    CHECK_THROWS_WITH(load(bpe_vocabulary({"a b", "b c"})),
                      "lying.gguf: tokenizer.ggml.merges[1] names 'bc', which is no token of the vocabulary");
    CHECK_THROWS_WITH(load(bpe_vocabulary({"a ~~"})),
                      "lying.gguf: tokenizer.ggml.merges[0] names 'a~~', which is no token of the vocabulary");
    CHECK_THROWS_WITH(load(bpe_vocabulary({"ab"})),
                      "lying.gguf: tokenizer.ggml.merges[0] 'ab' is not two tokens separated by a space");
}
