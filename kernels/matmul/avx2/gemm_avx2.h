// AVX2 (+FMA, F16C) building blocks of the AVX2 gemm kernels (gemm_float.cpp, gemm_q32.cpp, gemm_kquant.cpp),
// and the row x token tiling they all use. Include only within #if SPARSE_LLM_BUILD_AVX2.
#pragma once

#include <immintrin.h>

#include <cstdint>

#include "kernels/matmul/gemm_kernels.h"

namespace kernels::avx2 {

// Sum of the 8 lanes, always in the same order.
inline float hsum(__m256 v) {
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    s = _mm_add_ss(s, _mm_movehdup_ps(s));
    return _mm_cvtss_f32(s);
}

// 8 int32 lanes, each the sum of 4 adjacent products w[i] * x[i] of signed bytes. maddubs wants an unsigned
// left operand: |w| * (x with w's sign) is the same product. Exact for w, x in [-127, 127].
// With VNNI (a -march=native build on Zen 4 / Ice Lake and later) one instruction does the same, exactly.
inline __m256i dot_i8(__m256i w, __m256i x) {
#if defined(__AVX512VNNI__) && defined(__AVX512VL__)
    return _mm256_dpbusd_epi32(_mm256_setzero_si256(), _mm256_sign_epi8(w, w), _mm256_sign_epi8(x, w));
#elif defined(__AVXVNNI__)
    return _mm256_dpbusd_avx_epi32(_mm256_setzero_si256(), _mm256_sign_epi8(w, w), _mm256_sign_epi8(x, w));
#else
    const __m256i pairs = _mm256_maddubs_epi16(_mm256_sign_epi8(w, w), _mm256_sign_epi8(x, w));
    return _mm256_madd_epi16(pairs, _mm256_set1_epi16(1));
#endif
}

inline float half_to_float(uint16_t h) { return _cvtsh_ss(h); }

// Decode reads each weight once, tile by tile: RM rows of a few hundred bytes each, too short as streams for
// the hardware prefetcher. So while a tile computes, its kernel asks for the same bytes of the next tile's
// rows (RM rows further on); a prefetch past the end of the matrix is harmless.
inline void prefetch_next_tile(const uint8_t* p, size_t tile_bytes, size_t n) {
    for (size_t offset = 0; offset < n; offset += 64) _mm_prefetch(reinterpret_cast<const char*>(p + tile_bytes + offset), _MM_HINT_T0);
}

// The float accumulators of an RM x RN tile: 8 lanes per (row, token), summed in store().
template <int RM, int RN>
struct TileAccumulators {
    __m256 v[RM][RN];

    TileAccumulators() {
        for (auto& row : v)
            for (auto& a : row) a = _mm256_setzero_ps();
    }
    // y[t + j][r + i] = finish(i, j, sum of the lanes of (i, j)).
    template <typename Finish>
    void store(const GemmTask& task, int64_t r, int64_t t, Finish&& finish) const {
        for (int j = 0; j < RN; ++j)
            for (int i = 0; i < RM; ++i) task.y[(t + j) * task.y_stride + r + i] = finish(i, j, hsum(v[i][j]));
    }
    void store(const GemmTask& task, int64_t r, int64_t t) const {
        store(task, r, t, [](int, int, float sum) { return sum; });
    }
};

// Runs Kernel::tile<RM, RN>(task, r, t), which computes rows r..r+RM-1 for tokens t..t+RN-1, over rows
// [row_begin, row_end) and every token: strips of RN tokens (then shorter ones), each swept over the rows in
// groups of RM (then single rows). The rows of one task stay in cache while its token strips stream past.
template <class Kernel, int RM, int RN>
void tile_strip(const GemmTask& task, int64_t row_begin, int64_t row_end, int64_t t) {
    int64_t r = row_begin;
    for (; r + RM <= row_end; r += RM) Kernel::template tile<RM, RN>(task, r, t);
    for (; r < row_end; ++r) Kernel::template tile<1, RN>(task, r, t);
}

// RM1: rows per tile for single tokens (decode), whose best shape differs.
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

}  // namespace kernels::avx2
