#include "kernels/attention/landmarks.h"

#include <algorithm>

#include "kernels/common/size_math.h"

namespace kernels {

IncrementalLandmarks::IncrementalLandmarks(size_t capacity, size_t kv_heads, size_t dim, size_t block_size)
    : block_size_(block_size) {
    const size_t max_blocks = (block_size == 0 || capacity == 0) ? 1 : ceil_div(capacity, block_size);
    keys_ = Tensor3::zeros(max_blocks, kv_heads, dim);
    values_ = Tensor3::zeros(max_blocks, kv_heads, dim);
    counts_.assign(max_blocks, 0);
}

void IncrementalLandmarks::update(size_t t, const float* k_row, const float* v_row) {
    if (block_size_ == 0) return;
    const size_t b = t / block_size_;
    if (b >= counts_.size()) return;
    const float count = static_cast<float>(++counts_[b]);
    float* key_mean = keys_.row_mut(b, 0);
    float* value_mean = values_.row_mut(b, 0);
    const size_t row_floats = keys_.heads() * keys_.dim();
    for (size_t e = 0; e < row_floats; ++e) {
        key_mean[e] += (k_row[e] - key_mean[e]) / count;
        value_mean[e] += (v_row[e] - value_mean[e]) / count;
    }
}

void IncrementalLandmarks::reset() { reset_from_block(0); }

void IncrementalLandmarks::reset_from_block(size_t first_block) {
    if (first_block >= counts_.size()) return;
    const size_t row_floats = keys_.heads() * keys_.dim();
    std::fill(counts_.begin() + static_cast<ptrdiff_t>(first_block), counts_.end(), 0u);
    std::fill(keys_.data().begin() + static_cast<ptrdiff_t>(first_block * row_floats), keys_.data().end(), 0.0f);
    std::fill(values_.data().begin() + static_cast<ptrdiff_t>(first_block * row_floats), values_.data().end(), 0.0f);
}

}  // namespace kernels
