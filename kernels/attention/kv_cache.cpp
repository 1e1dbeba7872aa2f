#include "kernels/attention/kv_cache.h"

#include <algorithm>
#include <string>
#include <type_traits>

#include "gguf/quant/fp16.h"
#include "kernels/attention/attention_error.h"
#include "kernels/attention/row_kernels.h"
#include "kernels/common/size_math.h"

namespace kernels {
namespace {

template <typename Row>
const char* cache_name() {
    return std::is_same<Row, float>::value ? "KvCache" : "KvCacheF16";
}

inline void store(float* out, const float* in, size_t n) { std::copy(in, in + n, out); }
inline void store(uint16_t* out, const float* in, size_t n) { attention_row_kernels().to_half(in, n, out); }
inline float widen(float x) { return x; }
inline float widen(uint16_t h) { return gguf::fp16_to_fp32(h); }

bool contains(const std::vector<size_t>& v, size_t x) { return std::find(v.begin(), v.end(), x) != v.end(); }

}  // namespace

template <typename Row>
BasicKvCache<Row>::BasicKvCache(size_t capacity, size_t kv_heads, size_t dim, size_t block_size)
    : capacity_(capacity), kv_heads_(kv_heads), dim_(dim) {
    if (kv_heads == 0 || dim == 0)
        throw InvalidConfig(std::string(cache_name<Row>()) + ": kv_heads and dim must be greater than zero");
    if (capacity > std::numeric_limits<size_t>::max() / sizeof(float) / kv_heads / dim)
        throw InvalidConfig(std::string(cache_name<Row>()) + ": capacity overflow");
    const size_t elements = capacity * kv_heads * dim;
    keys_ = PagedArray<Row>(elements);
    values_ = PagedArray<Row>(elements);
    mass_ = PagedArray<float>(capacity);
    landmarks_ = IncrementalLandmarks(capacity, kv_heads, dim, block_size);
    widened_k_.resize(kv_heads * dim);
    widened_v_.resize(kv_heads * dim);
}

template <typename Row>
BasicKvCache<Row>::BasicKvCache(const BasicKvCache& other)
    : capacity_(other.capacity_), kv_heads_(other.kv_heads_), dim_(other.dim_), keys_(other.keys_.size()),
      values_(other.values_.size()), mass_(other.mass_.size()), landmarks_(other.landmarks_),
      widened_k_(other.widened_k_), widened_v_(other.widened_v_) {
    copy_slots_from(other);
}

template <typename Row>
BasicKvCache<Row>& BasicKvCache<Row>::operator=(const BasicKvCache& other) {
    if (this == &other) return *this;
    if (capacity_ != other.capacity_ || kv_heads_ != other.kv_heads_ || dim_ != other.dim_)
        return *this = BasicKvCache(other);
    landmarks_ = other.landmarks_;
    copy_slots_from(other);
    return *this;
}

// Rows and mass of the other's slots in use; the rest of this cache's rows is left as it is (beyond len()).
template <typename Row>
void BasicKvCache<Row>::copy_slots_from(const BasicKvCache& other) {
    for (size_t h = 0; h < kv_heads_; ++h) {
        keys_.copy_range(other.keys_, h * capacity_ * dim_, other.len_ * dim_);
        values_.copy_range(other.values_, h * capacity_ * dim_, other.len_ * dim_);
    }
    mass_.copy_prefix(other.mass_, other.len_);
    len_ = other.len_;
}

template <typename Row>
size_t BasicKvCache<Row>::resident_bytes() const {
    return keys_.resident_bytes() + values_.resident_bytes() + mass_.resident_bytes() + landmarks_.resident_bytes();
}

template <typename Row>
void BasicKvCache<Row>::check_row_shapes(const Tensor3& k, const Tensor3& v, const char* what) const {
    if (k.shape() != v.shape() || k.heads() != kv_heads_ || k.dim() != dim_)
        throw ShapeMismatch(std::string(cache_name<Row>()) + " " + what + ": k " + shape_string(k) + ", v " +
                            shape_string(v) + " do not fit [n, " + std::to_string(kv_heads_) + ", " +
                            std::to_string(dim_) + "]");
}

template <typename Row>
void BasicKvCache<Row>::write_row(size_t slot, const float* k_row, const float* v_row) {
    for (size_t h = 0; h < kv_heads_; ++h) {
        store(keys_.data() + (h * capacity_ + slot) * dim_, k_row + h * dim_, dim_);
        store(values_.data() + (h * capacity_ + slot) * dim_, v_row + h * dim_, dim_);
    }
    mass_[slot] = 0.0f;
    landmarks_.update(slot, k_row, v_row);
}

template <typename Row>
void BasicKvCache<Row>::append_row(const float* k_row, const float* v_row) {
    if (len_ >= capacity_)
        throw InvalidConfig(std::string(cache_name<Row>()) + " capacity exceeded: capacity=" +
                            std::to_string(capacity_) + ", len=" + std::to_string(len_));
    write_row(len_, k_row, v_row);
    ++len_;
}

template <typename Row>
void BasicKvCache<Row>::try_append(const Tensor3& k1, const Tensor3& v1) {
    check_row_shapes(k1, v1, "try_append");
    if (k1.seq() != 1)
        throw ShapeMismatch(std::string(cache_name<Row>()) + " try_append expects one row, got " + shape_string(k1));
    append_row(k1.row(0, 0), v1.row(0, 0));
}

template <typename Row>
void BasicKvCache<Row>::append_all(const Tensor3& k, const Tensor3& v) {
    check_row_shapes(k, v, "append_all");
    if (k.seq() > capacity_ - len_)
        throw InvalidConfig(std::string(cache_name<Row>()) + " overflow: len " + std::to_string(len_) + " + " +
                            std::to_string(k.seq()) + " rows > capacity " + std::to_string(capacity_));
    for (size_t t = 0; t < k.seq(); ++t) append_row(k.row(t, 0), v.row(t, 0));
}

template <typename Row>
void BasicKvCache<Row>::reset() {
    std::fill(mass_.data(), mass_.data() + len_, 0.0f);
    len_ = 0;
    landmarks_.reset();
}

template <typename Row>
float BasicKvCache<Row>::key(size_t slot, size_t head, size_t d) const {
    return widen(keys_[(head * capacity_ + slot) * dim_ + d]);
}

template <typename Row>
float BasicKvCache<Row>::value(size_t slot, size_t head, size_t d) const {
    return widen(values_[(head * capacity_ + slot) * dim_ + d]);
}

template <typename Row>
size_t BasicKvCache<Row>::choose_victim(const float* scores, const std::vector<size_t>& globals,
                                        size_t window) const {
    const size_t recent_start = len_ > window ? len_ - window : 0;
    size_t victim = npos;
    for (size_t slot = 0; slot < recent_start; ++slot) {
        if (contains(globals, slot)) continue;
        if (victim == npos || scores[slot] < scores[victim]) victim = slot;  // NaN never wins: first minimum
    }
    return victim != npos ? victim : 0;  // every slot protected: the crate falls back to slot 0
}

// Drops slot `victim`: later slots move down one, landmarks from the victim's block on are rebuilt in slot
// order (fp16 caches rebuild from the stored, rounded rows).
template <typename Row>
void BasicKvCache<Row>::remove_slot(size_t victim) {
    for (size_t h = 0; h < kv_heads_; ++h) {
        const size_t first = (h * capacity_ + victim) * dim_, end = (h * capacity_ + len_) * dim_;
        std::copy(keys_.data() + first + dim_, keys_.data() + end, keys_.data() + first);
        std::copy(values_.data() + first + dim_, values_.data() + end, values_.data() + first);
    }
    std::copy(mass_.data() + victim + 1, mass_.data() + len_, mass_.data() + victim);
    --len_;
    mass_[len_] = 0.0f;
    rebuild_landmarks_from(victim);
}

// Recomputes the landmarks of the block holding `slot` and every later one from the stored rows, in slot
// order (as appends would have).
template <typename Row>
void BasicKvCache<Row>::rebuild_landmarks_from(size_t slot) {
    if (landmarks_.block_size() == 0) return;
    const size_t first_block = slot / landmarks_.block_size();
    landmarks_.reset_from_block(first_block);
    for (size_t s = first_block * landmarks_.block_size(); s < len_; ++s) {
        for (size_t h = 0; h < kv_heads_; ++h)
            for (size_t d = 0; d < dim_; ++d) {
                widened_k_[h * dim_ + d] = key(s, h, d);
                widened_v_[h * dim_ + d] = value(s, h, d);
            }
        landmarks_.update(s, widened_k_.data(), widened_v_.data());
    }
}

template <typename Row>
void BasicKvCache<Row>::truncate(size_t new_len) {
    if (new_len >= len_) return;
    std::fill(mass_.data() + new_len, mass_.data() + len_, 0.0f);
    len_ = new_len;
    rebuild_landmarks_from(new_len);
}

template <typename Row>
void BasicKvCache<Row>::rewind_to(const BasicKvCache& earlier) {
    if (len_ < earlier.len_ || capacity_ != earlier.capacity_ || kv_heads_ != earlier.kv_heads_ ||
        dim_ != earlier.dim_ || block_size() != earlier.block_size()) {
        *this = earlier;
        return;
    }
    std::fill(mass_.data() + earlier.len_, mass_.data() + len_, 0.0f);
    mass_.copy_prefix(earlier.mass_, earlier.len_);
    landmarks_.rewind_to(earlier.landmarks_, block_size() == 0 ? 0 : earlier.len_ / block_size());
    len_ = earlier.len_;
}

template <typename Row>
size_t BasicKvCache<Row>::evict_and_append(const Tensor3& k1, const Tensor3& v1,
                                           const std::vector<float>& attention_scores,
                                           const std::vector<size_t>& global_tokens, size_t window) {
    check_row_shapes(k1, v1, "evict_and_append");
    if (k1.seq() != 1)
        throw ShapeMismatch(std::string(cache_name<Row>()) + " evict_and_append expects one row, got " +
                            shape_string(k1));
    if (!is_full()) {
        append_row(k1.row(0, 0), v1.row(0, 0));
        return npos;
    }
    if (capacity_ == 0) throw InvalidConfig(std::string(cache_name<Row>()) + " evict_and_append: capacity is zero");
    if (attention_scores.size() != len_)
        throw InvalidConfig("attention_scores len " + std::to_string(attention_scores.size()) + " != cache len " +
                            std::to_string(len_));
    const size_t victim = choose_victim(attention_scores.data(), global_tokens, window);
    remove_slot(victim);
    append_row(k1.row(0, 0), v1.row(0, 0));
    return victim;
}

template <typename Row>
size_t BasicKvCache<Row>::append_evicting(const float* k_row, const float* v_row, const H2oPolicy& policy) {
    if (capacity_ <= saturating_add(policy.recent_window, policy.global_tokens.size()))
        throw InvalidConfig(std::string(cache_name<Row>()) + " H2O budget " + std::to_string(capacity_) +
                            " must exceed recent window " + std::to_string(policy.recent_window) + " + " +
                            std::to_string(policy.global_tokens.size()) + " global tokens");
    if (!is_full()) {
        append_row(k_row, v_row);
        return npos;
    }
    const size_t victim = choose_victim(mass_.data(), policy.global_tokens, policy.recent_window);
    remove_slot(victim);
    append_row(k_row, v_row);
    return victim;
}

template <typename Row>
size_t BasicKvCache<Row>::append_evicting(const Tensor3& k1, const Tensor3& v1, const H2oPolicy& policy) {
    check_row_shapes(k1, v1, "append_evicting");
    if (k1.seq() != 1)
        throw ShapeMismatch(std::string(cache_name<Row>()) + " append_evicting expects one row, got " +
                            shape_string(k1));
    return append_evicting(k1.row(0, 0), v1.row(0, 0), policy);
}

template class BasicKvCache<float>;
template class BasicKvCache<uint16_t>;

}  // namespace kernels
