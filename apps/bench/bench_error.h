#pragma once

#include <stdexcept>

namespace bench {

// A bench that cannot run as asked: an unknown type or backend, an impossible shape or count, a model
// without the weights it measures.
class Error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

}  // namespace bench
