// AVX2 kernels for the 32-element formats (Q4_0, Q4_1, Q5_0, Q5_1, Q8_0) against q8_0 activations.
// Per block: the weight block is unpacked once to 32 signed bytes and reused for every token of the tile;
// each (row, token) gets dot_i8 -> 8 int32 lanes -> float, times dw * dx, into its own accumulator.
// The "_1" formats add m * dx * sum(x) per block.
#include "kernels/simd_avx2.h"

#if defined(KERNELS_AVX2)

#include <cstring>

#include "gguf/quant_blocks.h"

namespace kernels::avx2 {
namespace {

// Elements 0-15 are the low nibbles of qs, 16-31 the high ones.
inline __m256i nibbles(const uint8_t qs[16]) {
    const __m128i raw = _mm_loadu_si128(reinterpret_cast<const __m128i*>(qs));
    const __m256i both = _mm256_set_m128i(_mm_srli_epi16(raw, 4), raw);
    return _mm256_and_si256(both, _mm256_set1_epi8(0x0F));
}

inline uint32_t fifth_bits(const uint8_t qh[4]) {
    uint32_t bits;
    std::memcpy(&bits, qh, 4);
    return bits;
}

struct Q4_0 {
    using Block = gguf::BlockQ4_0;
    static constexpr bool kHasMin = false;
    static __m256i values(const Block& b) { return _mm256_sub_epi8(nibbles(b.qs), _mm256_set1_epi8(8)); }
    static float min(const Block&) { return 0.0f; }
};

struct Q4_1 {
    using Block = gguf::BlockQ4_1;
    static constexpr bool kHasMin = true;
    static __m256i values(const Block& b) { return nibbles(b.qs); }
    static float min(const Block& b) { return half_to_float(b.m); }
};

struct Q5_0 {
    using Block = gguf::BlockQ5_0;
    static constexpr bool kHasMin = false;
    // nibble + 16 * bit - 16: where the fifth bit is clear that is the nibble with the top bits of the byte set.
    static __m256i values(const Block& b) {
        const __m256i clear = _mm256_andnot_si256(bits_to_bytes(fifth_bits(b.qh)), _mm256_set1_epi8(static_cast<char>(0xF0)));
        return _mm256_or_si256(nibbles(b.qs), clear);
    }
    static float min(const Block&) { return 0.0f; }
};

struct Q5_1 {
    using Block = gguf::BlockQ5_1;
    static constexpr bool kHasMin = true;
    static __m256i values(const Block& b) {
        const __m256i high = _mm256_and_si256(bits_to_bytes(fifth_bits(b.qh)), _mm256_set1_epi8(0x10));
        return _mm256_or_si256(nibbles(b.qs), high);
    }
    static float min(const Block& b) { return half_to_float(b.m); }
};

struct Q8_0 {
    using Block = gguf::BlockQ8_0;
    static constexpr bool kHasMin = false;
    static __m256i values(const Block& b) { return _mm256_loadu_si256(reinterpret_cast<const __m256i*>(b.qs)); }
    static float min(const Block&) { return 0.0f; }
};

// 8 int32 lanes summing the 32 signed bytes of x.
inline __m256i sum_i8(__m256i x) {
    return _mm256_madd_epi16(_mm256_maddubs_epi16(_mm256_set1_epi8(1), x), _mm256_set1_epi16(1));
}

template <class F>
struct Q32Kernel {
    using Block = typename F::Block;

    template <int RM, int RN>
    static void tile(const GemmTask& task, int64_t r, int64_t t) {
        const ActivationView& x = *task.x;
        const int64_t n_blocks = x.cols / 32;
        const Block* rows[RM];
        for (int i = 0; i < RM; ++i) rows[i] = reinterpret_cast<const Block*>(task.w + (r + i) * task.row_bytes);
        TileAccumulators<RM, RN> acc;
        for (int64_t b = 0; b < n_blocks; ++b) {
            __m256i w[RM];
            float dw[RM], mw[RM];
            for (int i = 0; i < RM; ++i) {
                prefetch_next_tile(reinterpret_cast<const uint8_t*>(&rows[i][b]), RM * task.row_bytes, sizeof(Block));
                w[i] = F::values(rows[i][b]);
                dw[i] = half_to_float(rows[i][b].d);
                mw[i] = F::min(rows[i][b]);
            }
            for (int j = 0; j < RN; ++j) {
                const __m256i xq = _mm256_load_si256(reinterpret_cast<const __m256i*>(x.qs_row(t + j) + 32 * b));
                const float dx = x.d_row(t + j)[b];
                for (int i = 0; i < RM; ++i)
                    acc.v[i][j] = _mm256_fmadd_ps(_mm256_set1_ps(dw[i] * dx), _mm256_cvtepi32_ps(dot_i8(w[i], xq)), acc.v[i][j]);
                if (F::kHasMin) {
                    const __m256 x_sum = _mm256_cvtepi32_ps(sum_i8(xq));
                    for (int i = 0; i < RM; ++i) acc.v[i][j] = _mm256_fmadd_ps(_mm256_set1_ps(mw[i] * dx), x_sum, acc.v[i][j]);
                }
            }
        }
        acc.store(task, r, t);
    }
};

}  // namespace

GemmRowsFn rows_q32(gguf::GgmlType type) {
    switch (type) {
        case gguf::GgmlType::Q4_0: return rows_tiled<Q32Kernel<Q4_0>, 4, 2>;
        case gguf::GgmlType::Q4_1: return rows_tiled<Q32Kernel<Q4_1>, 4, 2>;
        case gguf::GgmlType::Q5_0: return rows_tiled<Q32Kernel<Q5_0>, 4, 2>;
        case gguf::GgmlType::Q5_1: return rows_tiled<Q32Kernel<Q5_1>, 4, 2>;
        case gguf::GgmlType::Q8_0: return rows_tiled<Q32Kernel<Q8_0>, 4, 2>;
        default: return nullptr;
    }
}

}  // namespace kernels::avx2

#endif
