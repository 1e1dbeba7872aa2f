#pragma once

#include <stdexcept>

namespace tokenizer {

// A vocabulary that cannot be used (unsupported or inconsistent metadata) or a bad token id; the message
// names the file or the id.
class Error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

}  // namespace tokenizer
