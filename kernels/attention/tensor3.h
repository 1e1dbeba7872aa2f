// Tensor3: a dense [seq][heads][dim] float tensor (spec §1.1). Row-major: element (t, h, d) is at
// ((t * heads + h) * dim + d); a "row" is the dim-long slice of one (token, head).
#pragma once

#include <array>
#include <string>
#include <cstddef>
#include <vector>

namespace kernels {

class Tensor3 {
public:
    Tensor3() = default;

    // Throws InvalidConfig "Tensor3::zeros: shape overflow ..." when seq*heads*dim (in bytes) overflows.
    static Tensor3 zeros(size_t seq, size_t heads, size_t dim);
    // Throws InvalidConfig "tensor shape overflow" or "data length mismatch, got X, expected Y".
    static Tensor3 from_vec(std::vector<float> data, size_t seq, size_t heads, size_t dim);

    size_t seq() const { return seq_; }
    size_t heads() const { return heads_; }
    size_t dim() const { return dim_; }
    size_t size() const { return data_.size(); }
    std::array<size_t, 3> shape() const { return {seq_, heads_, dim_}; }

    size_t idx(size_t t, size_t h, size_t d) const { return (t * heads_ + h) * dim_ + d; }
    size_t row_offset(size_t t, size_t h) const { return (t * heads_ + h) * dim_; }
    const float* row(size_t t, size_t h) const { return data_.data() + row_offset(t, h); }
    float* row_mut(size_t t, size_t h) { return data_.data() + row_offset(t, h); }
    float get(size_t t, size_t h, size_t d) const { return data_[idx(t, h, d)]; }
    void set(size_t t, size_t h, size_t d, float value) { data_[idx(t, h, d)] = value; }

    const std::vector<float>& data() const { return data_; }
    std::vector<float>& data() { return data_; }

private:
    Tensor3(std::vector<float> data, size_t seq, size_t heads, size_t dim)
        : data_(std::move(data)), seq_(seq), heads_(heads), dim_(dim) {}

    std::vector<float> data_;
    size_t seq_ = 0;
    size_t heads_ = 0;
    size_t dim_ = 0;
};

// "[seq, heads, dim]" for error messages.
std::string shape_string(const Tensor3& t);

}  // namespace kernels
