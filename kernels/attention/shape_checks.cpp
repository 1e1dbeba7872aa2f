#include "kernels/attention/shape_checks.h"

#include <cstdint>
#include <string>

#include "kernels/attention/attention_error.h"

namespace kernels::detail {
namespace {

std::string qkv_shapes(const Tensor3& q, const Tensor3& k, const Tensor3& v) {
    return "q " + shape_string(q) + ", k " + shape_string(k) + ", v " + shape_string(v);
}

}  // namespace

void validate_qkv(const Tensor3& q, const Tensor3& k, const Tensor3& v) {
    if (q.dim() == 0) throw InvalidConfig("head dim must be greater than zero");
    if (q.shape() != k.shape() || q.shape() != v.shape())
        throw ShapeMismatch("shape mismatch: " + qkv_shapes(q, k, v));
    validate_seq_fits_ids(q.seq());
}

void validate_gqa(const Tensor3& q, const Tensor3& k, const Tensor3& v) {
    if (q.dim() == 0) throw InvalidConfig("head dim must be greater than zero");
    if (q.seq() != k.seq() || q.seq() != v.seq()) throw ShapeMismatch("sequence length mismatch: " + qkv_shapes(q, k, v));
    if (q.dim() != k.dim() || q.dim() != v.dim()) throw InvalidConfig("head dim mismatch: " + qkv_shapes(q, k, v));
    if (k.heads() == 0 || q.heads() % k.heads() != 0)
        throw InvalidConfig("q_heads=" + std::to_string(q.heads()) + " must be divisible by kv_heads=" +
                            std::to_string(k.heads()));
    if (k.heads() != v.heads()) throw ShapeMismatch("k and v head counts differ: " + qkv_shapes(q, k, v));
    validate_seq_fits_ids(q.seq());
}

void validate_seq_fits_ids(size_t seq) {
    if (seq > UINT32_MAX) throw InvalidConfig("sequence length " + std::to_string(seq) + " exceeds 2^32 - 1");
}

}  // namespace kernels::detail
