#pragma once

#include <stdexcept>

namespace info {

// What `info` cannot describe: a memory estimate beyond 64 bits, a tensor type it cannot dequantize.
class Error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

}  // namespace info
