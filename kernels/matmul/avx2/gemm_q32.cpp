// AVX2 kernels for the 32-element formats (Q4_0, Q4_1, Q5_0, Q5_1, Q8_0) against q8_0 activations.
//
// A tile is 8 rows x RN tokens. Per block, the 8 rows are unpacked two to a register pair -- `lo` holds
// elements 0-15 of both rows, `hi` elements 16-31 -- and reused for every token of the tile. For each token the
// integer dot products of the 8 rows are reduced (hadd) to one vector of 8 exact block sums, so the float work
// per block is one multiply-add for all 8 rows: y += (dw * dx) * isum, row by row and block by block.
// The integer sums are exact, so a row's bits do not depend on its place in a tile, the row split or the batch;
// a tile that runs past the last row repeats that row and drops the copies.
//
// The 4- and 5-bit formats stay unsigned (u = w + offset, 0..31), which maddubs takes as they are:
// sum (u - offset) x = sum u x - offset sum x, the second term from the activations' block sums (bsums).
// The "_1" formats add m * dx * sum(x) per block.
#include "kernels/common/isa.h"

#if SPARSE_LLM_BUILD_AVX2

#include "kernels/common/avx2/avx2_flags.h"

#include <cstddef>
#include <cstdint>

#include "gguf/quant/blocks.h"
#include "kernels/matmul/gemm_kernels.h"

namespace kernels::avx2 {
namespace {

#include "kernels/matmul/avx2/gemm_avx2.inc"

constexpr int kTileRows = 8;
// Lane k of a reduced vector holds the sum of tile row kLaneRow[k] (see reduce_rows).
constexpr int kLaneRow[kTileRows] = {0, 2, 4, 6, 1, 3, 5, 7};

// 16 bytes at p in both 128-bit lanes.
inline __m256i broadcast16(const int8_t* p) {
    return _mm256_broadcastsi128_si256(_mm_load_si128(reinterpret_cast<const __m128i*>(p)));
}

inline __m256i load_pair(const uint8_t* a, const uint8_t* b) {
    return _mm256_inserti128_si256(_mm256_castsi128_si256(_mm_loadu_si128(reinterpret_cast<const __m128i*>(a))),
                                   _mm_loadu_si128(reinterpret_cast<const __m128i*>(b)), 1);
}

// Elements 0-15 of a block are the low nibbles of qs, 16-31 the high ones.
inline void nibble_pair(const uint8_t* qs_a, const uint8_t* qs_b, __m256i& lo, __m256i& hi) {
    const __m256i both = load_pair(qs_a, qs_b);
    const __m256i mask = _mm256_set1_epi8(0x0F);
    lo = _mm256_and_si256(both, mask);
    hi = _mm256_and_si256(_mm256_srli_epi16(both, 4), mask);
}

// 0x10 in byte j where bit j % 8 of byte `spread` of the pattern is set.
inline __m256i fifth_bits(__m256i qh_pair, __m256i spread) {
    const __m256i bit = _mm256_set1_epi64x(static_cast<int64_t>(0x8040201008040201ull));
    const __m256i bytes = _mm256_and_si256(_mm256_shuffle_epi8(qh_pair, spread), bit);
    return _mm256_and_si256(_mm256_cmpeq_epi8(bytes, bit), _mm256_set1_epi8(0x10));
}

// Nibbles with bit j of qh as the fifth bit of element j.
inline void five_bit_pair(const uint8_t* qs_a, const uint8_t* qh_a, const uint8_t* qs_b, const uint8_t* qh_b,
                          __m256i& lo, __m256i& hi) {
    nibble_pair(qs_a, qs_b, lo, hi);
    uint32_t bits_a, bits_b;
    __builtin_memcpy(&bits_a, qh_a, 4);
    __builtin_memcpy(&bits_b, qh_b, 4);
    const __m256i qh =
        _mm256_set_m128i(_mm_set1_epi32(static_cast<int>(bits_b)), _mm_set1_epi32(static_cast<int>(bits_a)));
    const __m256i low_bytes = _mm256_setr_epi8(0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1,  //
                                               0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1);
    const __m256i high_bytes = _mm256_add_epi8(low_bytes, _mm256_set1_epi8(2));
    lo = _mm256_or_si256(lo, fifth_bits(qh, low_bytes));
    hi = _mm256_or_si256(hi, fifth_bits(qh, high_bytes));
}

// pair(a, b, lo, hi): the values of blocks a and b, two rows. kXFactor: sum(x) enters every row's block as
// kXFactor * sum(x) -- subtracted (the offset of an unsigned format) or, with kHasMin, scaled by m * dx.
struct Q4_0 {
    using Block = gguf::BlockQ4_0;
    static constexpr bool kSigned = false, kHasMin = false;
    static constexpr int kXFactor = 8;
    static void pair(const Block& a, const Block& b, __m256i& lo, __m256i& hi) { nibble_pair(a.qs, b.qs, lo, hi); }
};

struct Q4_1 {
    using Block = gguf::BlockQ4_1;
    static_assert(offsetof(Block, m) == 2, "m is loaded with d");
    static constexpr bool kSigned = false, kHasMin = true;
    static constexpr int kXFactor = 1;
    static void pair(const Block& a, const Block& b, __m256i& lo, __m256i& hi) { nibble_pair(a.qs, b.qs, lo, hi); }
};

struct Q5_0 {
    using Block = gguf::BlockQ5_0;
    static constexpr bool kSigned = false, kHasMin = false;
    static constexpr int kXFactor = 16;
    static void pair(const Block& a, const Block& b, __m256i& lo, __m256i& hi) {
        five_bit_pair(a.qs, a.qh, b.qs, b.qh, lo, hi);
    }
};

struct Q5_1 {
    using Block = gguf::BlockQ5_1;
    static_assert(offsetof(Block, m) == 2, "m is loaded with d");
    static constexpr bool kSigned = false, kHasMin = true;
    static constexpr int kXFactor = 1;
    static void pair(const Block& a, const Block& b, __m256i& lo, __m256i& hi) {
        five_bit_pair(a.qs, a.qh, b.qs, b.qh, lo, hi);
    }
};

struct Q8_0 {
    using Block = gguf::BlockQ8_0;
    static constexpr bool kSigned = true, kHasMin = false;
    static constexpr int kXFactor = 0;
    static void pair(const Block& a, const Block& b, __m256i& lo, __m256i& hi) {
        const auto* qa = reinterpret_cast<const uint8_t*>(a.qs);
        const auto* qb = reinterpret_cast<const uint8_t*>(b.qs);
        lo = load_pair(qa, qb);
        hi = load_pair(qa + 16, qb + 16);
    }
};

// 8 int32 lanes, sums of 4 adjacent products of unsigned u (< 128) and signed x. Exact.
inline __m256i dot_u8(__m256i u, __m256i x) {
#if defined(__AVX512VNNI__) && defined(__AVX512VL__)
    return _mm256_dpbusd_epi32(_mm256_setzero_si256(), u, x);
#elif defined(__AVXVNNI__)
    return _mm256_dpbusd_avx_epi32(_mm256_setzero_si256(), u, x);
#else
    return _mm256_madd_epi16(_mm256_maddubs_epi16(u, x), _mm256_set1_epi16(1));
#endif
}

// dot_u8(lo, x_lo) + dot_u8(hi, x_hi), for values u < 64 (the 16-bit pair sums cannot overflow).
inline __m256i dot_u8_halves(__m256i lo, __m256i hi, __m256i x_lo, __m256i x_hi) {
#if defined(__AVX512VNNI__) || defined(__AVXVNNI__)
    return _mm256_add_epi32(dot_u8(lo, x_lo), dot_u8(hi, x_hi));
#else
    const __m256i pairs = _mm256_add_epi16(_mm256_maddubs_epi16(lo, x_lo), _mm256_maddubs_epi16(hi, x_hi));
    return _mm256_madd_epi16(pairs, _mm256_set1_epi16(1));
#endif
}

// Two rows' partial sums against one token: lanes 0-3 are row a's, 4-7 row b's.
template <class F>
inline __m256i dot_pair(__m256i lo, __m256i hi, __m256i x_lo, __m256i x_hi) {
    if constexpr (F::kSigned)
        return _mm256_add_epi32(dot_i8(lo, x_lo), dot_i8(hi, x_hi));
    else
        return dot_u8_halves(lo, hi, x_lo, x_hi);
}

// The 4 pair sums of a tile (rows 0,1 | 2,3 | 4,5 | 6,7) -> one vector: lane k = the sum of row kLaneRow[k].
inline __m256i reduce_rows(__m256i p01, __m256i p23, __m256i p45, __m256i p67) {
    return _mm256_hadd_epi32(_mm256_hadd_epi32(p01, p23), _mm256_hadd_epi32(p45, p67));
}

// The f16 in the low (kHigh: high) half of each int32 lane, as floats.
template <bool kHigh>
inline __m256 halves_to_floats(__m256i lanes) {
    constexpr char b0 = kHigh ? 2 : 0, b1 = kHigh ? 3 : 1;
    const __m256i pick = _mm256_setr_epi8(b0, b1, b0 + 4, b1 + 4, b0 + 8, b1 + 8, b0 + 12, b1 + 12, -1, -1, -1, -1, -1,
                                          -1, -1, -1, b0, b1, b0 + 4, b1 + 4, b0 + 8, b1 + 8, b0 + 12, b1 + 12, -1, -1,
                                          -1, -1, -1, -1, -1, -1);
    const __m256i packed = _mm256_permute4x64_epi64(_mm256_shuffle_epi8(lanes, pick), 0x08);
    return _mm256_cvtph_ps(_mm256_castsi256_si128(packed));
}

// dw and mw of one block for the 8 rows of a tile, in lane order.
struct BlockScales {
    __m256 d, m;
};

template <class F>
struct Q32Kernel {
    static constexpr int kTileRows = avx2::kTileRows;
    using Block = typename F::Block;
    using Tile = RowTile<kTileRows>;
    using Scales = BlockScales;
    static_assert(offsetof(Block, d) == 0 && sizeof(Block) >= 4, "d (and m) are loaded as one int32 per row");
    static constexpr int64_t kPrefetchTiles = 3;

    // dw (and mw) of block b for all 8 rows, converted from the d (and m) fields of the blocks.
    static Scales block_scales(const Tile& tile, int64_t b) {
        int fields[kTileRows];
        for (int k = 0; k < kTileRows; ++k) __builtin_memcpy(&fields[k], &tile.block<Block>(kLaneRow[k], b), 4);
        const __m256i lanes =
            _mm256_setr_epi32(fields[0], fields[1], fields[2], fields[3], fields[4], fields[5], fields[6], fields[7]);
        return {halves_to_floats<false>(lanes), F::kHasMin ? halves_to_floats<true>(lanes) : _mm256_setzero_ps()};
    }

    // The tile's rows for tokens t..t+RN-1, the block scales from `cached` (prefill) or from the blocks
    // (decode). Decode and a prefill's first strip fetch the bytes of the tile kPrefetchTiles further on (rows
    // are contiguous) meanwhile, spread evenly over the blocks: rows of a few hundred bytes are too short for
    // the hardware prefetcher.
    template <int RN>
    static void strip(const GemmTask& task, const Tile& tile, int64_t t, const Scales* cached) {
        const ActivationView& x = *task.x;
        const int64_t n_blocks = x.cols / 32;
        QuantizedRow xs[RN];
        for (int j = 0; j < RN; ++j) xs[j] = token_row<32, 32>(x, t + j);
        const bool prefetch = cached == nullptr || t == 0;
        const uint8_t* ahead = task.w + (tile.r + kPrefetchTiles * kTileRows) * task.row_bytes;
        const int64_t prefetch_lines =
            prefetch ? (kTileRows * static_cast<int64_t>(task.row_bytes) / 64 + n_blocks) / n_blocks : 0;
        __m256 acc[RN];
        for (auto& a : acc) a = _mm256_setzero_ps();
        for (int64_t b = 0; b < n_blocks; ++b) {
            for (int64_t l = 0; l < prefetch_lines; ++l)
                _mm_prefetch(reinterpret_cast<const char*>(ahead + (b * prefetch_lines + l) * 64), _MM_HINT_T0);
            __m256i lo[4], hi[4];
            for (int p = 0; p < 4; ++p)
                F::pair(tile.block<Block>(2 * p, b), tile.block<Block>(2 * p + 1, b), lo[p], hi[p]);
            const Scales w = cached ? cached[b] : block_scales(tile, b);
            for (int j = 0; j < RN; ++j) {
                const int8_t* xq = xs[j].qs + 32 * b;
                const __m256i x_lo = broadcast16(xq);
                const __m256i x_hi = broadcast16(xq + 16);
                __m256i sums = reduce_rows(dot_pair<F>(lo[0], hi[0], x_lo, x_hi), dot_pair<F>(lo[1], hi[1], x_lo, x_hi),
                                           dot_pair<F>(lo[2], hi[2], x_lo, x_hi),
                                           dot_pair<F>(lo[3], hi[3], x_lo, x_hi));
                const __m256 dx = _mm256_set1_ps(xs[j].d[b]);
                const __m256i x_term = _mm256_set1_epi32(F::kXFactor * xs[j].bsums[b]);
                if constexpr (F::kXFactor != 0 && !F::kHasMin) sums = _mm256_sub_epi32(sums, x_term);
                acc[j] = _mm256_fmadd_ps(_mm256_mul_ps(w.d, dx), _mm256_cvtepi32_ps(sums), acc[j]);
                if constexpr (F::kHasMin)
                    acc[j] = _mm256_fmadd_ps(_mm256_mul_ps(w.m, dx), _mm256_cvtepi32_ps(x_term), acc[j]);
            }
        }
        for (int j = 0; j < RN; ++j) {
            alignas(32) float sums[kTileRows];
            _mm256_store_ps(sums, acc[j]);
            float* y = task.y + (t + j) * task.y_stride + tile.r;
            for (int k = 0; k < kTileRows; ++k)
                if (kLaneRow[k] < tile.n_rows) y[kLaneRow[k]] = sums[k];
        }
    }

    static void decode(const GemmTask& task, const Tile& tile) { strip<1>(task, tile, 0, nullptr); }
};

}  // namespace

SPARSE_LLM_DEFINE_Q32_GEMMS(Q32Kernel)

}  // namespace kernels::avx2

#endif  // SPARSE_LLM_BUILD_AVX2
