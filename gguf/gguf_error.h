#pragma once

#include <stdexcept>

namespace gguf {

// Every failure to read or write a GGUF file: the message names the file, the field and its byte offset.
class Error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

}  // namespace gguf
