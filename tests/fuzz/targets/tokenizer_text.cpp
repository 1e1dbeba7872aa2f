#include <cstring>
#include <string_view>
#include <vector>

#include "fuzz/targets/targets.h"

namespace fuzz {

void run_tokenizer_encode(const uint8_t* data, size_t size) {
    if (size < 2) return;
    const tokenizer::Tokenizer& tok = vocabulary(data[0]);
    const bool add_special = data[1] & 1, parse_special = data[1] & 2;
    const std::string_view text(reinterpret_cast<const char*>(data + 2), size - 2);
    const std::vector<tokenizer::TokenId> ids = tok.encode(text, add_special, parse_special);
    for (tokenizer::TokenId id : ids)
        if (id < 0 || static_cast<size_t>(id) >= tok.n_vocab()) defect("encode gave an id outside the vocabulary");
    tok.decode(ids, data[1] & 4);
}

void run_tokenizer_decode(const uint8_t* data, size_t size) {
    if (size < 2) return;
    const tokenizer::Tokenizer& tok = vocabulary(data[0]);
    std::vector<tokenizer::TokenId> ids((size - 2) / sizeof(tokenizer::TokenId));
    if (!ids.empty()) std::memcpy(ids.data(), data + 2, ids.size() * sizeof(tokenizer::TokenId));
    try {
        tok.decode(ids, data[1] & 1);
    } catch (const std::runtime_error&) {  // an id outside the vocabulary
    }
}

}  // namespace fuzz
