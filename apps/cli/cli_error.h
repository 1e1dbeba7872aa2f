#pragma once

#include <stdexcept>

namespace cli {

// A failure at the command line's edge: an input that cannot be read, standard output that cannot be
// written; the message names it and the system's reason.
class Error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

}  // namespace cli
