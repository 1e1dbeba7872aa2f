#pragma once

#include <stdexcept>

namespace gguf {

// A quant format asked for something it cannot do: a type without a (de)quantizer, a length that is not a
// whole number of blocks. The message names the type and the length.
class QuantError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

}  // namespace gguf
