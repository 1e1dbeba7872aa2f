#pragma once

#include <stdexcept>

namespace quantize {

// A model that cannot be quantized as asked, naming the file, tensor and reason: a type we cannot convert,
// weights that are not finite, an output that would overwrite the input.
class Error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

}  // namespace quantize
