#include "kernels/attention/tensor3.h"

#include <limits>
#include <string>

#include "kernels/attention/attention_error.h"

namespace kernels {
namespace {

// seq*heads*dim, or false when it (or its size in bytes) does not fit in size_t.
bool checked_element_count(size_t seq, size_t heads, size_t dim, size_t& count) {
    constexpr size_t kMax = std::numeric_limits<size_t>::max() / sizeof(float);
    if (heads != 0 && seq > kMax / heads) return false;
    const size_t rows = seq * heads;
    if (dim != 0 && rows > kMax / dim) return false;
    count = rows * dim;
    return true;
}

std::string shape_text(size_t seq, size_t heads, size_t dim) {
    return "[" + std::to_string(seq) + ", " + std::to_string(heads) + ", " + std::to_string(dim) + "]";
}

}  // namespace

Tensor3 Tensor3::zeros(size_t seq, size_t heads, size_t dim) {
    size_t count = 0;
    if (!checked_element_count(seq, heads, dim, count))
        throw InvalidConfig("Tensor3::zeros: shape overflow " + shape_text(seq, heads, dim));
    return Tensor3(std::vector<float>(count, 0.0f), seq, heads, dim);
}

Tensor3 Tensor3::from_vec(std::vector<float> data, size_t seq, size_t heads, size_t dim) {
    size_t count = 0;
    if (!checked_element_count(seq, heads, dim, count)) throw InvalidConfig("tensor shape overflow");
    if (data.size() != count)
        throw InvalidConfig("data length mismatch, got " + std::to_string(data.size()) + ", expected " +
                            std::to_string(count));
    return Tensor3(std::move(data), seq, heads, dim);
}

std::string shape_string(const Tensor3& t) { return shape_text(t.seq(), t.heads(), t.dim()); }

}  // namespace kernels
