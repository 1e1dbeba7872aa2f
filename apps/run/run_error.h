#pragma once

#include <stdexcept>

namespace run {

// A `run` that cannot start as asked: the model or prompt given twice or not at all, a prompt longer than
// the context.
class Error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

}  // namespace run
