#include "kernels/attention/landmarks.h"

#include <algorithm>
#include <string>

#include "kernels/attention/attention_error.h"
#include "kernels/common/size_math.h"

namespace kernels {
namespace {

size_t checked_table_size(size_t blocks, size_t kv_heads, size_t dim) {
    const size_t floats = saturating_mul(saturating_mul(blocks, kv_heads), dim);
    if (floats > static_cast<size_t>(-1) / sizeof(float))
        throw InvalidConfig("IncrementalLandmarks: table size overflow for " + std::to_string(blocks) + " blocks");
    return floats;
}

}  // namespace

IncrementalLandmarks::IncrementalLandmarks(size_t capacity, size_t kv_heads, size_t dim, size_t block_size)
    : kv_heads_(kv_heads), dim_(dim), block_size_(block_size) {
    const size_t max_blocks = (block_size == 0 || capacity == 0) ? 1 : ceil_div(capacity, block_size);
    const size_t floats = checked_table_size(max_blocks, kv_heads, dim);
    keys_ = PagedArray<float>(floats);
    values_ = PagedArray<float>(floats);
    counts_ = PagedArray<uint32_t>(max_blocks);
}

IncrementalLandmarks::IncrementalLandmarks(const IncrementalLandmarks& other)
    : keys_(other.keys_.size()), values_(other.values_.size()), counts_(other.counts_.size()),
      kv_heads_(other.kv_heads_), dim_(other.dim_), block_size_(other.block_size_) {
    copy_blocks_from(other);
}

IncrementalLandmarks& IncrementalLandmarks::operator=(const IncrementalLandmarks& other) {
    if (this == &other) return *this;
    if (keys_.size() != other.keys_.size() || counts_.size() != other.counts_.size() || dim_ != other.dim_)
        return *this = IncrementalLandmarks(other);
    reset_from_block(other.used_);  // what this holds beyond the other's blocks goes back to zero
    kv_heads_ = other.kv_heads_;
    block_size_ = other.block_size_;
    copy_blocks_from(other);
    return *this;
}

void IncrementalLandmarks::copy_blocks_from(const IncrementalLandmarks& other) {
    keys_.copy_prefix(other.keys_, other.used_ * row_floats());
    values_.copy_prefix(other.values_, other.used_ * row_floats());
    counts_.copy_prefix(other.counts_, other.used_);
    used_ = other.used_;
}

void IncrementalLandmarks::update(size_t t, const float* k_row, const float* v_row) {
    if (block_size_ == 0) return;
    const size_t b = t / block_size_;
    if (b >= max_blocks()) return;
    used_ = std::max(used_, b + 1);
    const float count = static_cast<float>(++counts_[b]);
    float* key_mean = keys_.data() + b * row_floats();
    float* value_mean = values_.data() + b * row_floats();
    for (size_t e = 0; e < row_floats(); ++e) {
        key_mean[e] += (k_row[e] - key_mean[e]) / count;
        value_mean[e] += (v_row[e] - value_mean[e]) / count;
    }
}

void IncrementalLandmarks::reset() { reset_from_block(0); }

void IncrementalLandmarks::reset_from_block(size_t first_block) {
    if (first_block >= used_) return;  // nothing was written from there on
    std::fill(counts_.data() + first_block, counts_.data() + used_, 0u);
    std::fill(keys_.data() + first_block * row_floats(), keys_.data() + used_ * row_floats(), 0.0f);
    std::fill(values_.data() + first_block * row_floats(), values_.data() + used_ * row_floats(), 0.0f);
    used_ = first_block;
}

void IncrementalLandmarks::rewind_to(const IncrementalLandmarks& earlier, size_t first_block) {
    reset_from_block(earlier.used_);
    const size_t from = std::min(first_block, earlier.used_), n = earlier.used_ - from;
    keys_.copy_range(earlier.keys_, from * row_floats(), n * row_floats());
    values_.copy_range(earlier.values_, from * row_floats(), n * row_floats());
    counts_.copy_range(earlier.counts_, from, n);
    used_ = earlier.used_;
}

size_t IncrementalLandmarks::resident_bytes() const {
    return keys_.resident_bytes() + values_.resident_bytes() + counts_.resident_bytes();
}

}  // namespace kernels
