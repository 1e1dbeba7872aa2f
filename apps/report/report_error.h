#pragma once

#include <stdexcept>

namespace report {

// A report that cannot be written: a table row that does not fit its columns, an unknown output format,
// a plot with nothing to draw, or a file that cannot be created or written (naming the path and the reason).
class Error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

}  // namespace report
