#pragma once

#include <stdexcept>

namespace kernels {

// The error of the matmul library: a weight type without a kernel, a matrix that does not fit the activations,
// too many products in one call, activations that are not whole blocks. Thrown before any kernel runs; the
// message names the type and the shape.
class MatmulError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

}  // namespace kernels
