#pragma once

#include <stdexcept>

namespace runtime {

// A model that cannot be run, or a request the runtime cannot honour; the message is one line naming what
// and where (file, key or tensor).
class Error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

}  // namespace runtime
