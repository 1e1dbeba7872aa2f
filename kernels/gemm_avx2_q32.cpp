// AVX2 kernels for the 32-element formats (Q4_0, Q4_1, Q5_0, Q5_1, Q8_0) against q8_0 activations.
// Per block: each weight block of the tile is unpacked once to 32 bytes and reused for every token; each
// (row, token) gets an integer dot product in 8 int32 lanes -> float, times dw * dx, into its own accumulator.
// The 4- and 5-bit formats stay unsigned (u = w + offset, 0..31), which maddubs takes as they are:
// sum (u - offset) x = sum u x - offset sum x, the second term once per token and block for all rows.
// The "_1" formats add m * dx * sum(x) per block.
#include "kernels/gemm_avx2.h"

#if defined(KERNELS_AVX2)

#include <cstddef>
#include <cstring>
#include <utility>

#include "gguf/quant_blocks.h"

namespace kernels::avx2 {
namespace {

// Elements 0-15 are the low nibbles of qs, 16-31 the high ones.
inline __m256i nibbles(const uint8_t qs[16]) {
    const __m128i raw = _mm_loadu_si128(reinterpret_cast<const __m128i*>(qs));
    const __m256i both = _mm256_set_m128i(_mm_srli_epi16(raw, 4), raw);
    return _mm256_and_si256(both, _mm256_set1_epi8(0x0F));
}

// Nibbles with bit j of qh as the fifth bit of element j.
inline __m256i five_bits(const uint8_t qs[16], const uint8_t qh[4]) {
    uint32_t bits;
    std::memcpy(&bits, qh, 4);
    return _mm256_or_si256(nibbles(qs), _mm256_and_si256(bits_to_bytes(bits), _mm256_set1_epi8(0x10)));
}

// kOffset: the unsigned values minus kOffset are the signed weights; -1 means values() are signed already.
struct Q4_0 {
    using Block = gguf::BlockQ4_0;
    static constexpr int kOffset = 8;
    static constexpr bool kHasMin = false;
    static __m256i values(const Block& b) { return nibbles(b.qs); }
};

struct Q4_1 {
    using Block = gguf::BlockQ4_1;
    static constexpr int kOffset = 0;
    static constexpr bool kHasMin = true;
    static constexpr size_t kMinField = offsetof(Block, m);
    static __m256i values(const Block& b) { return nibbles(b.qs); }
};

struct Q5_0 {
    using Block = gguf::BlockQ5_0;
    static constexpr int kOffset = 16;
    static constexpr bool kHasMin = false;
    static __m256i values(const Block& b) { return five_bits(b.qs, b.qh); }
};

struct Q5_1 {
    using Block = gguf::BlockQ5_1;
    static constexpr int kOffset = 0;
    static constexpr bool kHasMin = true;
    static constexpr size_t kMinField = offsetof(Block, m);
    static __m256i values(const Block& b) { return five_bits(b.qs, b.qh); }
};

struct Q8_0 {
    using Block = gguf::BlockQ8_0;
    static constexpr int kOffset = -1;
    static constexpr bool kHasMin = false;
    static __m256i values(const Block& b) { return _mm256_loadu_si256(reinterpret_cast<const __m256i*>(b.qs)); }
};

// 8 int32 lanes, each the sum of 4 adjacent products u[i] * x[i], u unsigned (< 128), x signed. Exact.
inline __m256i dot_u8(__m256i u, __m256i x) {
#if defined(__AVX512VNNI__) && defined(__AVX512VL__)
    return _mm256_dpbusd_epi32(_mm256_setzero_si256(), u, x);
#elif defined(__AVXVNNI__)
    return _mm256_dpbusd_avx_epi32(_mm256_setzero_si256(), u, x);
#else
    return _mm256_madd_epi16(_mm256_maddubs_epi16(u, x), _mm256_set1_epi16(1));
#endif
}

// The f16 fields at `offset` in RM blocks, as floats (one conversion for all rows).
// (Gathered in a register: a 16-byte load of four 2-byte stores would stall on store forwarding.)
template <int RM>
inline __m128 halves_to_floats(const uint8_t* const blocks[RM], size_t offset) {
    uint64_t packed = 0;
    for (int i = 0; i < RM; ++i) {
        uint16_t h;
        std::memcpy(&h, blocks[i] + offset, 2);
        packed |= static_cast<uint64_t>(h) << (16 * i);
    }
    return _mm_cvtph_ps(_mm_cvtsi64_si128(static_cast<long long>(packed)));
}

template <int kLane>
inline __m256 broadcast_lane(__m128 v) {
    return _mm256_broadcastss_ps(_mm_shuffle_ps(v, v, _MM_SHUFFLE(kLane, kLane, kLane, kLane)));
}

// f(lane i broadcast, i) for i < RM, with the lane index known at compile time.
template <int RM, typename F, int... I>
inline void for_each_lane(__m128 v, F&& f, std::integer_sequence<int, I...>) {
    (f(broadcast_lane<I>(v), I), ...);
}
template <int RM, typename F>
inline void for_each_lane(__m128 v, F&& f) {
    for_each_lane<RM>(v, f, std::make_integer_sequence<int, RM>{});
}

template <class F>
struct Q32Kernel {
    using Block = typename F::Block;
    // One prefetch per 64 bytes of a row is enough.
    static constexpr int64_t kPrefetchEvery = sizeof(Block) < 64 ? 64 / sizeof(Block) : 1;

    template <int RM, int RN>
    static void tile(const GemmTask& task, int64_t r, int64_t t) {
        static_assert(RM <= 4, "scales are converted four at a time");
        const ActivationView& x = *task.x;
        const int64_t n_blocks = x.cols / 32;
        const uint8_t* rows[RM];
        for (int i = 0; i < RM; ++i) rows[i] = task.w + (r + i) * task.row_bytes;
        const int8_t* xqs[RN];
        const float* xds[RN];
        for (int j = 0; j < RN; ++j) {
            xqs[j] = x.qs_row(t + j);
            xds[j] = x.d_row(t + j);
        }
        TileAccumulators<RM, RN> acc;
        for (int64_t b = 0; b < n_blocks; ++b) {
            const uint8_t* blocks[RM];
            __m256i w[RM];
            for (int i = 0; i < RM; ++i) {
                blocks[i] = rows[i] + b * sizeof(Block);
                if (b % kPrefetchEvery == 0) prefetch_next_tile(blocks[i], RM * task.row_bytes, sizeof(Block));
                w[i] = F::values(*reinterpret_cast<const Block*>(blocks[i]));
            }
            const __m128 dw = halves_to_floats<RM>(blocks, offsetof(Block, d));
            __m128 mw = _mm_setzero_ps();
            if constexpr (F::kHasMin) mw = halves_to_floats<RM>(blocks, F::kMinField);
            for (int j = 0; j < RN; ++j) {
                const __m256i xq = _mm256_load_si256(reinterpret_cast<const __m256i*>(xqs[j] + 32 * b));
                const __m128 dx = _mm_set1_ps(xds[j][b]);
                const __m128 scales = _mm_mul_ps(dw, dx);
                __m256i offset_sums = _mm256_setzero_si256();
                if (F::kOffset > 0) offset_sums = dot_u8(_mm256_set1_epi8(F::kOffset), xq);
                for_each_lane<RM>(scales, [&](__m256 scale, int i) {
                    const __m256i products = F::kOffset < 0 ? dot_i8(w[i], xq)
                                                            : _mm256_sub_epi32(dot_u8(w[i], xq), offset_sums);
                    acc.v[i][j] = _mm256_fmadd_ps(scale, _mm256_cvtepi32_ps(products), acc.v[i][j]);
                });
                if constexpr (F::kHasMin) {
                    const __m256 x_sums = _mm256_cvtepi32_ps(dot_u8(_mm256_set1_epi8(1), xq));
                    for_each_lane<RM>(_mm_mul_ps(mw, dx), [&](__m256 min, int i) {
                        acc.v[i][j] = _mm256_fmadd_ps(min, x_sums, acc.v[i][j]);
                    });
                }
            }
        }
        acc.store(task, r, t);
    }
};

}  // namespace

GemmRowsFn rows_q32(gguf::GgmlType type) {
    switch (type) {
        case gguf::GgmlType::Q4_0: return rows_tiled<Q32Kernel<Q4_0>, 4, 4>;
        case gguf::GgmlType::Q4_1: return rows_tiled<Q32Kernel<Q4_1>, 4, 4>;
        case gguf::GgmlType::Q5_0: return rows_tiled<Q32Kernel<Q5_0>, 4, 4>;
        case gguf::GgmlType::Q5_1: return rows_tiled<Q32Kernel<Q5_1>, 4, 4>;
        case gguf::GgmlType::Q8_0: return rows_tiled<Q32Kernel<Q8_0>, 4, 4>;
        default: return nullptr;
    }
}

}  // namespace kernels::avx2

#endif
