#pragma once

#include <stdexcept>

namespace tokenize {

// Input `tokenize` and `detokenize` cannot take: a word that is not a token id.
class Error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

}  // namespace tokenize
