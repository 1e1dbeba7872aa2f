// The row x token tiling every instruction set's SIMD gemm kernels share (avx2/, neon/). A float or K-quant
// kernel supplies tile<RM, RN>(task, r, t), which computes rows r..r+RM-1 for tokens t..t+RN-1, and
// rows_tiled covers a row range and every token with such tiles; the 32-element formats' kernels work on
// RowTiles through rows_q32. Every (row, token) is computed by the same arithmetic whatever tile it falls in,
// so the shapes are free to differ between sets and between decode and prefill.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <vector>

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

// N consecutive rows from `first`; those past last_row repeat it, so that a kernel always has N rows (the
// copies' results are dropped).
template <int N>
struct RowTile {
    const uint8_t* rows[N];
    int64_t r;   // the first row
    int n_rows;  // the real ones

    RowTile(const GemmTask& task, int64_t first, int64_t last_row) : r(first) {
        for (int i = 0; i < N; ++i) rows[i] = task.w + std::min(first + i, last_row) * task.row_bytes;
        n_rows = static_cast<int>(std::min<int64_t>(N, last_row + 1 - first));
    }
    template <typename Block>
    const Block& block(int i, int64_t b) const {
        return reinterpret_cast<const Block*>(rows[i])[b];
    }
};

// A float kernel's operands: RM rows of weights from r and RN tokens of float activations from t.
template <int RM, int RN>
struct FloatTile {
    const uint8_t* rows[RM];
    const float* xs[RN];
    int64_t cols;

    FloatTile(const GemmTask& task, int64_t r, int64_t t) : cols(task.x->cols) {
        for (int i = 0; i < RM; ++i) rows[i] = task.w + (r + i) * task.row_bytes;
        for (int j = 0; j < RN; ++j) xs[j] = task.x->f32_row(t + j);
    }
};

// The 32-element formats' driver, over tiles of Kernel::kTileRows rows. Decode (one token) is one pass per
// tile: Kernel::decode(task, tile). Prefill converts each tile's block scales once (Kernel::block_scales(tile,
// b), a Kernel::Scales per block) and passes its rows (a few KB, in L1) to every token strip of 4, then to the
// single tokens left: Kernel::strip<RN>(task, tile, t, scales).
template <class Kernel>
void rows_q32(const GemmTask& task, int64_t row_begin, int64_t row_end) {
    using Tile = RowTile<Kernel::kTileRows>;
    constexpr int kStrip = 4;
    const int64_t n_tokens = task.x->n_tokens;
    const int64_t n_blocks = task.x->cols / 32;
    thread_local std::vector<typename Kernel::Scales> scales;  // grows once per thread to the widest matrix
    for (int64_t r = row_begin; r < row_end; r += Kernel::kTileRows) {
        const Tile tile(task, r, row_end - 1);
        if (n_tokens == 1) {
            Kernel::decode(task, tile);
            continue;
        }
        if (scales.size() < static_cast<size_t>(n_blocks)) scales.resize(static_cast<size_t>(n_blocks));
        for (int64_t b = 0; b < n_blocks; ++b) scales[static_cast<size_t>(b)] = Kernel::block_scales(tile, b);
        int64_t t = 0;
        for (; t + kStrip <= n_tokens; t += kStrip) Kernel::template strip<kStrip>(task, tile, t, scales.data());
        for (; t < n_tokens; ++t) Kernel::template strip<1>(task, tile, t, scales.data());
    }
}

}  // namespace kernels

// Defines a set's kernels of the 32-element formats, gemm_q4_0 .. gemm_q8_0, as rows_q32 of its Kernel
// template over its format types Q4_0 .. Q8_0.
#define SPARSE_LLM_DEFINE_Q32_GEMMS(Kernel)                                                                  \
    void gemm_q4_0(const GemmTask& task, int64_t begin, int64_t end) { rows_q32<Kernel<Q4_0>>(task, begin, end); } \
    void gemm_q4_1(const GemmTask& task, int64_t begin, int64_t end) { rows_q32<Kernel<Q4_1>>(task, begin, end); } \
    void gemm_q5_0(const GemmTask& task, int64_t begin, int64_t end) { rows_q32<Kernel<Q5_0>>(task, begin, end); } \
    void gemm_q5_1(const GemmTask& task, int64_t begin, int64_t end) { rows_q32<Kernel<Q5_1>>(task, begin, end); } \
    void gemm_q8_0(const GemmTask& task, int64_t begin, int64_t end) { rows_q32<Kernel<Q8_0>>(task, begin, end); }
