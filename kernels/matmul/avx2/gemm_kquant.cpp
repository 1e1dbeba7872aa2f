// AVX2 kernels for the K-quants against q8_K activations, on the common super-block form of kquant_unpack.h
// (w = d * (scale * q - bias) - dmin * min per group of 16). Per super-block each weight row of the tile is
// unpacked once into SIMD-ready form (q4_K, q5_K and q6_K directly; q2_K and q3_K through the scalar
// unpackers) and reused for every token of the tile. Per (row, token), 32 values at a time: maddubs(q, x)
// gives 16 int16 sums of pairs, madd by the group scales 8 int32 lanes; after the super-block the bias and
// min terms (madd of the 16 group values with the 16 bsums) are applied and the lanes summed, exactly.
#include "kernels/common/isa.h"

#if SPARSE_LLM_BUILD_AVX2

#include "kernels/common/avx2/avx2_flags.h"

#include <cstddef>
#include <cstdint>

#include "gguf/quant/blocks.h"
#include "kernels/matmul/gemm_kernels.h"
#include "kernels/matmul/kquant_unpack.h"

namespace kernels::avx2 {
namespace {

#include "kernels/matmul/avx2/gemm_avx2.inc"

struct Unpacked {
    alignas(32) uint8_t q[256];
    __m256i scales[8];  // for 32 values c: lanes 0-7 the scale of group 2c, lanes 8-15 that of group 2c+1
    __m256i bias, min;  // 16 int16, one per group
    float d, dmin;
};

inline void store32(uint8_t* dst, __m256i v) { _mm256_store_si256(reinterpret_cast<__m256i*>(dst), v); }
inline __m256i load32(const uint8_t* src) { return _mm256_loadu_si256(reinterpret_cast<const __m256i*>(src)); }

// q2_K / q3_K: the scalar unpacker, then the scales spread over lanes.
template <KUnpackFn Unpack>
void unpack_generic(const void* block, Unpacked& out) {
    KSuperBlock s;
    Unpack(block, s);
    __builtin_memcpy(out.q, s.q, sizeof s.q);
    for (int c = 0; c < 8; ++c)
        out.scales[c] = _mm256_set_m128i(_mm_set1_epi16(s.scale[2 * c + 1]), _mm_set1_epi16(s.scale[2 * c]));
    out.bias = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(s.bias));
    out.min = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(s.min));
    out.d = s.d;
    out.dmin = s.dmin;
}

// q4_K / q5_K: one scale and min per 32 values, so a scale vector is one broadcast; mins go to 16 lanes.
inline void unpack_k4_scales_avx2(const uint8_t packed[12], Unpacked& out) {
    uint32_t w[4];
    k4_scale_words(packed, w);
    for (int c = 0; c < 8; ++c) out.scales[c] = _mm256_set1_epi16(static_cast<int16_t>((w[c / 4] >> (8 * (c % 4))) & 0xFF));
    const __m128i bytes = _mm_setr_epi32(static_cast<int>(w[0]), static_cast<int>(w[1]), static_cast<int>(w[2]), static_cast<int>(w[3]));
    const __m128i mins_twice = _mm_setr_epi8(8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13, 14, 14, 15, 15);
    out.min = _mm256_cvtepu8_epi16(_mm_shuffle_epi8(bytes, mins_twice));
    out.bias = _mm256_setzero_si256();
}

void unpack_q4_K(const void* block, Unpacked& out) {
    const auto& b = *static_cast<const gguf::BlockQ4_K*>(block);
    const __m256i low4 = _mm256_set1_epi8(0x0F);
    for (int j = 0; j < 4; ++j) {
        const __m256i raw = load32(b.qs + 32 * j);
        store32(out.q + 64 * j, _mm256_and_si256(raw, low4));
        store32(out.q + 64 * j + 32, _mm256_and_si256(_mm256_srli_epi16(raw, 4), low4));
    }
    unpack_k4_scales_avx2(b.scales, out);
    out.d = half_to_float(b.d);
    out.dmin = half_to_float(b.dmin);
}

void unpack_q5_K(const void* block, Unpacked& out) {
    const auto& b = *static_cast<const gguf::BlockQ5_K*>(block);
    const __m256i low4 = _mm256_set1_epi8(0x0F), one = _mm256_set1_epi8(1);
    const __m256i qh = load32(b.qh);  // bit c of qh[l] is the fifth bit of element 32 c + l
    for (int j = 0; j < 4; ++j) {
        const __m256i raw = load32(b.qs + 32 * j);
        const __m256i high_lo = _mm256_slli_epi16(_mm256_and_si256(_mm256_srli_epi16(qh, 2 * j), one), 4);
        const __m256i high_hi = _mm256_slli_epi16(_mm256_and_si256(_mm256_srli_epi16(qh, 2 * j + 1), one), 4);
        store32(out.q + 64 * j, _mm256_or_si256(_mm256_and_si256(raw, low4), high_lo));
        store32(out.q + 64 * j + 32, _mm256_or_si256(_mm256_and_si256(_mm256_srli_epi16(raw, 4), low4), high_hi));
    }
    unpack_k4_scales_avx2(b.scales, out);
    out.d = half_to_float(b.d);
    out.dmin = half_to_float(b.dmin);
}

void unpack_q6_K(const void* block, Unpacked& out) {
    const auto& b = *static_cast<const gguf::BlockQ6_K*>(block);
    const __m256i low4 = _mm256_set1_epi8(0x0F), low2 = _mm256_set1_epi8(0x03);
    for (int half = 0; half < 2; ++half) {
        const __m256i ql0 = load32(b.ql + 64 * half), ql1 = load32(b.ql + 64 * half + 32);
        const __m256i qh = load32(b.qh + 32 * half);
        // pass p: low 4 bits from ql0 / ql1 (low nibbles for p < 2, high ones after), 2 high bits at qh >> 2p
        const __m256i low[4] = {ql0, ql1, _mm256_srli_epi16(ql0, 4), _mm256_srli_epi16(ql1, 4)};
        for (int pass = 0; pass < 4; ++pass) {
            const __m256i high = _mm256_and_si256(_mm256_srli_epi16(qh, 2 * pass), low2);
            store32(out.q + 128 * half + 32 * pass,
                    _mm256_or_si256(_mm256_and_si256(low[pass], low4), _mm256_slli_epi16(high, 4)));
        }
    }
    // 16 int8 scales, one per group: chunk c wants scale 2c in its low 128 bits and 2c+1 in the high ones.
    const __m256i scales = _mm256_cvtepi8_epi16(_mm_loadu_si128(reinterpret_cast<const __m128i*>(b.scales)));
    const __m256i spread = _mm256_setr_epi8(0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1,
                                            2, 3, 2, 3, 2, 3, 2, 3, 2, 3, 2, 3, 2, 3, 2, 3);
    for (int c = 0; c < 8; ++c)
        out.scales[c] = _mm256_shuffle_epi8(_mm256_permutevar8x32_epi32(scales, _mm256_set1_epi32(c)), spread);
    out.bias = _mm256_slli_epi16(scales, 5);  // 32 * scale: the stored q is the signed value + 32
    out.min = _mm256_setzero_si256();
    out.d = half_to_float(b.d);
    out.dmin = 0.0f;
}

template <typename BlockT, void (*Unpack)(const void*, Unpacked&), bool HasBias, bool HasMin>
struct KFormat {
    using Block = BlockT;
    static constexpr bool kHasBias = HasBias, kHasMin = HasMin;
    static void unpack(const void* block, Unpacked& out) { Unpack(block, out); }
};

using Q2_K = KFormat<gguf::BlockQ2_K, unpack_generic<unpack_q2_K>, false, true>;
using Q3_K = KFormat<gguf::BlockQ3_K, unpack_generic<unpack_q3_K>, true, false>;
using Q4_K = KFormat<gguf::BlockQ4_K, unpack_q4_K, false, true>;
using Q5_K = KFormat<gguf::BlockQ5_K, unpack_q5_K, false, true>;
using Q6_K = KFormat<gguf::BlockQ6_K, unpack_q6_K, true, false>;

template <class F>
struct KKernel {
    // The super-block's integer sums reduced exactly, then y += (d dx) int_dot; y -= (dmin dx) min_dot, each
    // rounded once as in the scalar kernel: every set gives the scalar kernel's bits.
    static float add_super_block(float sum, const Unpacked& w, const int8_t* xq, const __m256i bsums, float dx) {
        __m256i lanes = _mm256_setzero_si256();
        for (int c = 0; c < 8; ++c) {
            const __m256i pairs = _mm256_maddubs_epi16(_mm256_load_si256(reinterpret_cast<const __m256i*>(w.q + 32 * c)),
                                                       _mm256_load_si256(reinterpret_cast<const __m256i*>(xq + 32 * c)));
            lanes = _mm256_add_epi32(lanes, _mm256_madd_epi16(pairs, w.scales[c]));
        }
        if (F::kHasBias) lanes = _mm256_sub_epi32(lanes, _mm256_madd_epi16(w.bias, bsums));
        const int32_t min_dot = F::kHasMin ? hsum_i32(_mm256_madd_epi16(w.min, bsums)) : 0;
        sum = __builtin_fmaf(w.d * dx, static_cast<float>(hsum_i32(lanes)), sum);
        return __builtin_fmaf(-(w.dmin * dx), static_cast<float>(min_dot), sum);
    }

    template <int RM, int RN>
    static void tile(const GemmTask& task, int64_t r, int64_t t) {
        const ActivationView& x = *task.x;
        const int64_t n_blocks = x.cols / 256;
        float sums[RM][RN] = {};
        Unpacked w[RM];
        for (int64_t b = 0; b < n_blocks; ++b) {
            for (int i = 0; i < RM; ++i) {
                const uint8_t* block = task.w + (r + i) * task.row_bytes + b * sizeof(typename F::Block);
                prefetch_next_tile(block, RM * task.row_bytes, sizeof(typename F::Block));
                F::unpack(block, w[i]);
            }
            for (int j = 0; j < RN; ++j) {
                const QuantizedRow token = token_row<256, 16>(x, t + j);
                const int8_t* xq = token.qs + 256 * b;
                const float dx = token.d[b];
                const __m256i bsums = _mm256_load_si256(reinterpret_cast<const __m256i*>(token.bsums + 16 * b));
                for (int i = 0; i < RM; ++i) sums[i][j] = add_super_block(sums[i][j], w[i], xq, bsums, dx);
            }
        }
        for (int j = 0; j < RN; ++j)
            for (int i = 0; i < RM; ++i) task.y[(t + j) * task.y_stride + r + i] = sums[i][j];
    }
};

}  // namespace

void gemm_q2_k(const GemmTask& task, int64_t begin, int64_t end) { rows_tiled<KKernel<Q2_K>, 1, 16>(task, begin, end); }
void gemm_q3_k(const GemmTask& task, int64_t begin, int64_t end) { rows_tiled<KKernel<Q3_K>, 1, 16>(task, begin, end); }
void gemm_q4_k(const GemmTask& task, int64_t begin, int64_t end) { rows_tiled<KKernel<Q4_K>, 1, 16>(task, begin, end); }
void gemm_q5_k(const GemmTask& task, int64_t begin, int64_t end) { rows_tiled<KKernel<Q5_K>, 1, 16>(task, begin, end); }
void gemm_q6_k(const GemmTask& task, int64_t begin, int64_t end) { rows_tiled<KKernel<Q6_K>, 1, 16>(task, begin, end); }

}  // namespace kernels::avx2

#endif  // SPARSE_LLM_BUILD_AVX2
