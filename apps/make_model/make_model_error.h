#pragma once

#include <stdexcept>

namespace make_model {

// A synthetic model that cannot be made as asked: an unknown tensor type or tensor name.
class Error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

}  // namespace make_model
