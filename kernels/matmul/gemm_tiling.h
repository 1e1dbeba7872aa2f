// The row x token tiling every instruction set's float and K-quant gemm kernels share (avx2/, neon/): a
// kernel supplies tile<RM, RN>(task, r, t), which computes rows r..r+RM-1 for tokens t..t+RN-1; these drivers
// cover a row range and every token with such tiles. Every (row, token) is computed by the same arithmetic
// whatever tile it falls in, so the shapes are free to differ between sets and between decode and prefill.
#pragma once

#include <cstdint>

#include "kernels/matmul/gemm_kernels.h"

namespace kernels {

// Runs Kernel::tile<RM, RN>(task, r, t) over rows [row_begin, row_end) for tokens t..t+RN-1: in groups of RM
// rows, then single rows.
template <class Kernel, int RM, int RN>
void tile_strip(const GemmTask& task, int64_t row_begin, int64_t row_end, int64_t t) {
    int64_t r = row_begin;
    for (; r + RM <= row_end; r += RM) Kernel::template tile<RM, RN>(task, r, t);
    for (; r < row_end; ++r) Kernel::template tile<1, RN>(task, r, t);
}

// Strips of RN tokens (then of 4, then single tokens), each swept over the rows. The rows of one task stay in
// cache while its token strips stream past. RM1: rows per tile for single tokens (decode), whose best shape
// differs.
template <class Kernel, int RM, int RN, int RM1 = RM>
void rows_tiled(const GemmTask& task, int64_t row_begin, int64_t row_end) {
    constexpr int kTail = RN > 4 ? 4 : 1;  // wide strips leave remainders worth a strip of 4
    const int64_t n_tokens = task.x->n_tokens;
    int64_t t = 0;
    for (; t + RN <= n_tokens; t += RN) tile_strip<Kernel, RM, RN>(task, row_begin, row_end, t);
    if constexpr (kTail > 1)
        for (; t + kTail <= n_tokens; t += kTail) tile_strip<Kernel, RM, kTail>(task, row_begin, row_end, t);
    for (; t < n_tokens; ++t) tile_strip<Kernel, RM1, 1>(task, row_begin, row_end, t);
}

}  // namespace kernels
