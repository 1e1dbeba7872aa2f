// AVX2 (+FMA, F16C) building blocks of the AVX2 gemm kernels (gemm_float.cpp, gemm_q32.cpp, gemm_kquant.cpp);
// the row x token tiling they use is gemm_tiling.h. Include only within #if SPARSE_LLM_BUILD_AVX2.
#pragma once

#include <immintrin.h>

#include <cstdint>

#include "kernels/matmul/gemm_kernels.h"
#include "kernels/matmul/gemm_tiling.h"

namespace kernels::avx2 {

// Sum of the 8 lanes, always in the same order.
inline float hsum(__m256 v) {
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    s = _mm_add_ss(s, _mm_movehdup_ps(s));
    return _mm_cvtss_f32(s);
}

// Sum of the 8 int32 lanes (exact while the sum fits).
inline int32_t hsum_i32(__m256i v) {
    __m128i s = _mm_add_epi32(_mm256_castsi256_si128(v), _mm256_extracti128_si256(v, 1));
    s = _mm_add_epi32(s, _mm_unpackhi_epi64(s, s));
    s = _mm_add_epi32(s, _mm_shuffle_epi32(s, 0x55));
    return _mm_cvtsi128_si32(s);
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

}  // namespace kernels::avx2
