// Validation of q/k/v shapes shared by the attention entry points (spec §3.8, §4.2).
#pragma once

#include "kernels/attention/tensor3.h"

namespace kernels::detail {

// MHA: dim > 0 and identical q, k, v shapes.
void validate_qkv(const Tensor3& q, const Tensor3& k, const Tensor3& v);
// GQA: dim > 0, equal seq and dim, kv_heads > 0 dividing q_heads, k and v heads equal.
void validate_gqa(const Tensor3& q, const Tensor3& k, const Tensor3& v);
// Candidate ids are 32-bit.
void validate_seq_fits_ids(size_t seq);

}  // namespace kernels::detail
