// The inner loops of the attention kernels, one implementation per instruction set (kernels/common/isa.h) in
// kernels/attention/<isa>/row_kernels_<isa>.cpp, behind the signatures of AttentionRowKernels. scalar's are the
// reference the others are tested against.
//
// Rows are gathered by index: row j starts at base + j * stride (stride in elements). Half rows hold IEEE fp16
// bit patterns (uint16_t) and are widened to f32 in registers; all arithmetic is f32.
#pragma once

#include <cstddef>
#include <cstdint>
#include <type_traits>

#include "kernels/common/isa.h"

namespace kernels {

constexpr size_t kMaxQueryTile = 4;

// The gathering kernels for one row type (float, or fp16 bits).
template <typename Row>
struct GatherKernels {
    // scores[c] = dot(q, row(idx[c])) * scale, c < n
    void (*scores)(const float* q, const Row* base, size_t stride, const uint32_t* idx, size_t n, size_t dim,
                   float scale, float* scores);
    // acc[d] += sum_c weights[c] * row(idx[c])[d]
    void (*accumulate)(const float* weights, const Row* base, size_t stride, const uint32_t* idx, size_t n,
                       size_t dim, float* acc);
    // The same for nq <= kMaxQueryTile queries against the same rows (the q heads of one kv head), each row
    // loaded once for all of them; every result exactly as scores / accumulate compute it for its query:
    // scores[q * n + c] = dot(q_rows[q], row(idx[c])) * scale, and acc[q][d] += sum_c weights[q * n + c] * row(idx[c])[d]
    void (*group_scores)(const float* const* q_rows, size_t nq, const Row* base, size_t stride, const uint32_t* idx,
                         size_t n, size_t dim, float scale, float* scores);
    void (*group_accumulate)(const float* weights, size_t nq, const Row* base, size_t stride, const uint32_t* idx,
                             size_t n, size_t dim, float* const* acc);
};

struct AttentionRowKernels {
    GatherKernels<float> f32_rows;
    GatherKernels<uint16_t> f16_rows;
    // Query tiles (nq <= kMaxQueryTile queries) against the contiguous f32 rows j0 .. j0+n-1:
    // scores[q * n + c] = dot(q_rows[q], row(j0 + c)) * scale
    void (*tile_scores)(const float* const* q_rows, size_t nq, const float* base, size_t stride, size_t j0,
                        size_t n, size_t dim, float scale, float* scores);
    // acc[q][d] += sum_c weights[q * n + c] * row(j0 + c)[d]
    void (*tile_accumulate)(const float* weights, size_t nq, const float* base, size_t stride, size_t j0, size_t n,
                            size_t dim, float* const* acc);
    // out[d] = x[d] as fp16, exactly gguf::fp32_to_fp16 (ties to even; NaN -> quiet NaN of its sign)
    void (*to_half)(const float* x, size_t n, uint16_t* out);

    template <typename Row>
    const GatherKernels<Row>& gather() const {
        if constexpr (std::is_same_v<Row, float>)
            return f32_rows;
        else
            return f16_rows;
    }
};

// attention_row_kernels(isa): the kernels of a set; attention_row_kernels(): those of the active set.
SPARSE_LLM_DECLARE_ISA_TABLES(AttentionRowKernels, attention_row_kernels, kRowKernels)

}  // namespace kernels
