// Size arithmetic that cannot wrap, for counts derived from user-given sizes (window, block size, tile, H2O
// window): any size_t is legal there, so `n + b - 1` or `w + 1` would overflow for values near SIZE_MAX.
#pragma once

#include <cstddef>
#include <limits>

namespace kernels {

// ceil(n / d) for d > 0, without forming n + d - 1.
constexpr size_t ceil_div(size_t n, size_t d) { return n / d + (n % d != 0); }

// a + b, or SIZE_MAX when that does not fit.
constexpr size_t saturating_add(size_t a, size_t b) {
    return a > std::numeric_limits<size_t>::max() - b ? std::numeric_limits<size_t>::max() : a + b;
}

// a * b, or SIZE_MAX when that does not fit.
constexpr size_t saturating_mul(size_t a, size_t b) {
    return b != 0 && a > std::numeric_limits<size_t>::max() / b ? std::numeric_limits<size_t>::max() : a * b;
}

}  // namespace kernels
