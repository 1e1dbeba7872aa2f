// Dense softmax attention: every query attends to every key (0..i when causal). The reference the sparse
// kernel is tested and benchmarked against (spec §4.6). Same validation as SparseAttention::forward.
#pragma once

#include "kernels/attention/tensor3.h"
#include "kernels/common/thread_pool.h"

namespace kernels {

// q, k, v: [seq, heads, dim], identical shapes. Heads run on `pool` when given.
Tensor3 dense_attention(const Tensor3& q, const Tensor3& k, const Tensor3& v, bool causal,
                        ThreadPool* pool = nullptr);

}  // namespace kernels
