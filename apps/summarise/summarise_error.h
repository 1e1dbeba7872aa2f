#pragma once

#include <stdexcept>

namespace summarise {

// A `summarise` that cannot start or go on as asked: an unreadable input or template, a chunk or summary
// length the context cannot hold.
class Error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

}  // namespace summarise
