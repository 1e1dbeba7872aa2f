#pragma once

#include <stdexcept>

namespace perplexity {

// A perplexity that cannot be measured: windows too small to score, a text too short for two of them, a
// context smaller than a window.
class Error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

}  // namespace perplexity
