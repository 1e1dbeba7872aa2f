// Scalar attention row kernels: sequential sums in candidate and dim order (the crate's own arithmetic order).
#include "kernels/attention/row_kernels.h"

#include "gguf/quant/fp16.h"

namespace kernels::scalar {
namespace {

inline float widen(float x) { return x; }
inline float widen(uint16_t h) { return gguf::fp16_to_fp32(h); }

// Row c of a tile is gathered as "row 0 of base + c * stride".
const uint32_t kZeroIndex[1] = {0};

template <typename Row>
void scores_impl(const float* q, const Row* base, size_t stride, const uint32_t* idx, size_t n, size_t dim,
                 float scale_factor, float* scores) {
    for (size_t c = 0; c < n; ++c) {
        const Row* row = base + idx[c] * stride;
        float sum = 0.0f;
        for (size_t d = 0; d < dim; ++d) sum += q[d] * widen(row[d]);
        scores[c] = sum * scale_factor;
    }
}

template <typename Row>
void accumulate_impl(const float* weights, const Row* base, size_t stride, const uint32_t* idx, size_t n,
                     size_t dim, float* acc) {
    for (size_t c = 0; c < n; ++c) {
        const Row* row = base + idx[c] * stride;
        for (size_t d = 0; d < dim; ++d) acc[d] += weights[c] * widen(row[d]);
    }
}

template <int NQ>
void tile_scores_impl(const float* const* q_rows, const float* base, size_t stride, size_t j0, size_t n, size_t dim,
                      float scale_factor, float* scores) {
    for (int q = 0; q < NQ; ++q)
        for (size_t c = 0; c < n; ++c)
            scores_impl(q_rows[q], base + (j0 + c) * stride, 0, kZeroIndex, 1, dim, scale_factor, &scores[q * n + c]);
}

template <int NQ>
void tile_accumulate_impl(const float* weights, const float* base, size_t stride, size_t j0, size_t n, size_t dim,
                          float* const* acc) {
    for (int q = 0; q < NQ; ++q)
        for (size_t c = 0; c < n; ++c)
            accumulate_impl(&weights[q * n + c], base + (j0 + c) * stride, 0, kZeroIndex, 1, dim, acc[q]);
}

void to_half(const float* x, size_t n, uint16_t* out) {
    for (size_t i = 0; i < n; ++i) out[i] = gguf::fp32_to_fp16(x[i]);
}

}  // namespace

#include "kernels/attention/row_kernel_table.inc"

}  // namespace kernels::scalar
