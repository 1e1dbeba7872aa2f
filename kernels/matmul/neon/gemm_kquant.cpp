// NEON kernels for the K-quants against q8_K activations, on the common super-block form of kquant_unpack.h
// (w = d * (scale * q - bias) - dmin * min per group of 16, q in 0..63). Per super-block a row is unpacked
// once into registers (KRow: 16 vectors of 16 values and the group terms) and reused for every token of the
// tile. Per (row, token), 32 values at a time, dot_groups gives the two groups' 16-bit sums, which multiply-
// accumulate into 32-bit lanes by their group scales (smlal by lane); the bias and min terms come from the
// bsums. The two sums of the super-block are exact, and go to float once, with the scalar kernel's
//     y += (d * dx) * int_dot;  y -= (dmin * dx) * min_dot
// so every output has the scalar kernel's bits.
#include "kernels/common/isa.h"

#if SPARSE_LLM_BUILD_NEON

#include "kernels/matmul/neon/gemm_neon.h"

#include <utility>

#include "gguf/quant/blocks.h"
#include "kernels/matmul/kquant_unpack.h"

namespace kernels::neon {
namespace {

struct KRow {
    int8x16_t q[kKGroups];  // group g: elements 16 g .. 16 g + 15
    int16x8_t scale[2];     // group g's: lane g % 8 of scale[g / 8]
    int16x8_t bias[2];      // (q3_K, q6_K: the stored offset times the scale)
    int16x8_t min[2];       // (q2_K, q4_K, q5_K)
    float d, dmin;
};

inline int8x16_t as_s8(uint8x16_t v) { return vreinterpretq_s8_u8(v); }

// 8 bytes b0..b7 -> 16 int16 lanes b0 b0 b1 b1 .. b7 b7: per-32 terms as per-16 ones.
inline void widen_twice(uint64_t bytes, int16x8_t out[2]) {
    const uint8x8_t b = vcreate_u8(bytes);
    out[0] = vreinterpretq_s16_u16(vmovl_u8(vzip1_u8(b, b)));
    out[1] = vreinterpretq_s16_u16(vmovl_u8(vzip2_u8(b, b)));
}

// q2_K / q3_K: the 2 low bits of element 128 h + 32 p + l sit at bits 2 p of qs[32 h + l].
inline void low_bits_2(const uint8_t* qs, KRow& w) {
    const uint8x16_t three = vdupq_n_u8(3);
    for (int h = 0; h < 2; ++h) {
        const uint8x16_t a = load16u(qs + 32 * h), b = load16u(qs + 32 * h + 16);
        for (int p = 0; p < 4; ++p) {
            w.q[8 * h + 2 * p] = as_s8(vandq_u8(vshlq_u8(a, vdupq_n_s8(static_cast<int8_t>(-2 * p))), three));
            w.q[8 * h + 2 * p + 1] = as_s8(vandq_u8(vshlq_u8(b, vdupq_n_s8(static_cast<int8_t>(-2 * p))), three));
        }
    }
}

[[gnu::always_inline]] inline void unpack_q2_K(const void* block, KRow& w) {
    const auto& b = *static_cast<const gguf::BlockQ2_K*>(block);
    low_bits_2(b.qs, w);
    const uint8x16_t packed = load16u(b.scales);  // scale in the low nibble, min in the high one
    const uint8x16_t scales = vandq_u8(packed, vdupq_n_u8(0xF)), mins = vshrq_n_u8(packed, 4);
    w.scale[0] = vreinterpretq_s16_u16(vmovl_u8(vget_low_u8(scales)));
    w.scale[1] = vreinterpretq_s16_u16(vmovl_high_u8(scales));
    w.min[0] = vreinterpretq_s16_u16(vmovl_u8(vget_low_u8(mins)));
    w.min[1] = vreinterpretq_s16_u16(vmovl_high_u8(mins));
    w.bias[0] = w.bias[1] = vdupq_n_s16(0);
    w.d = half_to_float(b.d);
    w.dmin = half_to_float(b.dmin);
}

[[gnu::always_inline]] inline void unpack_q3_K(const void* block, KRow& w) {
    const auto& b = *static_cast<const gguf::BlockQ3_K*>(block);
    low_bits_2(b.qs, w);
    // The high bit of element 128 h + 32 p + l, bit 4 h + p of hmask[l], is set for q >= 0: q + 4 = low | high << 2,
    // shifted into place and bit-selected in.
    const uint8x16_t four = vdupq_n_u8(4);
    const uint8x16_t mask[2] = {load16u(b.hmask), load16u(b.hmask + 16)};
    for (int g = 0; g < kKGroups; ++g) {
        const int bit = 4 * (g / 8) + (g % 8) / 2;
        const uint8x16_t high = vshlq_u8(mask[g % 2], vdupq_n_s8(static_cast<int8_t>(2 - bit)));
        w.q[g] = vbslq_s8(four, as_s8(high), w.q[g]);
    }
    // 16 six-bit scales (stored + 32): the low 4 bits of scale g are nibble g / 8 of scales[g % 8], the high 2
    // bits are bits 2 (g / 4) of scales[8 + g % 4] (decode_q3_K_scales).
    const uint8x8_t low = vld1_u8(b.scales);
    const uint8x8_t high = vreinterpret_u8_u32(vdup_n_u32(load_u32(b.scales + 8)));
    const int8x8_t shift_0_7 = vreinterpret_s8_u64(vdup_n_u64(0xfefefefe00000000ull));    // >> 0, >> 2
    const int8x8_t shift_8_15 = vreinterpret_s8_u64(vdup_n_u64(0xfafafafafcfcfcfcull));   // >> 4, >> 6
    const uint8x8_t three = vdup_n_u8(3), low4 = vdup_n_u8(0xF);
    const uint8x8_t s0 = vorr_u8(vand_u8(low, low4), vshl_n_u8(vand_u8(vshl_u8(high, shift_0_7), three), 4));
    const uint8x8_t s1 = vorr_u8(vshr_n_u8(low, 4), vshl_n_u8(vand_u8(vshl_u8(high, shift_8_15), three), 4));
    w.scale[0] = vsubq_s16(vreinterpretq_s16_u16(vmovl_u8(s0)), vdupq_n_s16(32));
    w.scale[1] = vsubq_s16(vreinterpretq_s16_u16(vmovl_u8(s1)), vdupq_n_s16(32));
    w.bias[0] = vshlq_n_s16(w.scale[0], 2);
    w.bias[1] = vshlq_n_s16(w.scale[1], 2);
    w.min[0] = w.min[1] = vdupq_n_s16(0);
    w.d = half_to_float(b.d);
    w.dmin = 0.0f;
}

// q4_K / q5_K: element 64 j + l is the low nibble of qs[32 j + l], element 64 j + 32 + l the high one; one
// 6-bit scale and min per 32 elements.
inline void nibbles_k4(const uint8_t* qs, const uint8_t* packed_scales, uint16_t d, uint16_t dmin, KRow& w) {
    const uint8x16_t low4 = vdupq_n_u8(0xF);
    for (int j = 0; j < 4; ++j) {
        const uint8x16_t a = load16u(qs + 32 * j), b = load16u(qs + 32 * j + 16);
        w.q[4 * j] = as_s8(vandq_u8(a, low4));
        w.q[4 * j + 1] = as_s8(vandq_u8(b, low4));
        w.q[4 * j + 2] = as_s8(vshrq_n_u8(a, 4));
        w.q[4 * j + 3] = as_s8(vshrq_n_u8(b, 4));
    }
    uint32_t words[4];
    k4_scale_words(packed_scales, words);
    widen_twice(words[0] | uint64_t{words[1]} << 32, w.scale);
    widen_twice(words[2] | uint64_t{words[3]} << 32, w.min);
    w.bias[0] = w.bias[1] = vdupq_n_s16(0);
    w.d = half_to_float(d);
    w.dmin = half_to_float(dmin);
}

[[gnu::always_inline]] inline void unpack_q4_K(const void* block, KRow& w) {
    const auto& b = *static_cast<const gguf::BlockQ4_K*>(block);
    nibbles_k4(b.qs, b.scales, b.d, b.dmin, w);
}

[[gnu::always_inline]] inline void unpack_q5_K(const void* block, KRow& w) {
    const auto& b = *static_cast<const gguf::BlockQ5_K*>(block);
    nibbles_k4(b.qs, b.scales, b.d, b.dmin, w);
    // The fifth bit of element 32 c + l is bit c of qh[l]: groups 2 c and 2 c + 1 take it from qh[0..15] and
    // qh[16..31], shifted to bit 4 and bit-selected in.
    const uint8x16_t fifth = vdupq_n_u8(0x10);
    const uint8x16_t qh[2] = {load16u(b.qh), load16u(b.qh + 16)};
    for (int g = 0; g < kKGroups; ++g) {
        const uint8x16_t high = vshlq_u8(qh[g % 2], vdupq_n_s8(static_cast<int8_t>(4 - g / 2)));
        w.q[g] = vbslq_s8(fifth, as_s8(high), w.q[g]);
    }
}

[[gnu::always_inline]] inline void unpack_q6_K(const void* block, KRow& w) {
    const auto& b = *static_cast<const gguf::BlockQ6_K*>(block);
    // Element 128 h + 32 p + l: low 4 bits from ql[64 h + l + 32 (p & 1)] (low nibble for p < 2, high after),
    // high 2 bits at bits 2 p of qh[32 h + l]. sli / sri put the two together in one step.
    const uint8x16_t three = vdupq_n_u8(3), bits45 = vdupq_n_u8(0x30);
    for (int h = 0; h < 2; ++h)
        for (int half = 0; half < 2; ++half) {  // l < 16, l >= 16
            const uint8x16_t ql0 = load16u(b.ql + 64 * h + 16 * half), ql1 = load16u(b.ql + 64 * h + 32 + 16 * half);
            const uint8x16_t qh = load16u(b.qh + 32 * h + 16 * half), qh2 = vshrq_n_u8(qh, 2);
            w.q[8 * h + half] = as_s8(vsliq_n_u8(ql0, vandq_u8(qh, three), 4));
            w.q[8 * h + 2 + half] = as_s8(vsliq_n_u8(ql1, vandq_u8(qh2, three), 4));
            w.q[8 * h + 4 + half] = as_s8(vsriq_n_u8(vandq_u8(qh, bits45), ql0, 4));
            w.q[8 * h + 6 + half] = as_s8(vsriq_n_u8(vandq_u8(qh2, bits45), ql1, 4));
        }
    const int8x16_t scales = vld1q_s8(b.scales);
    w.scale[0] = vmovl_s8(vget_low_s8(scales));
    w.scale[1] = vmovl_high_s8(scales);
    w.bias[0] = vshlq_n_s16(w.scale[0], 5);  // 32 * scale: the stored q is the signed value + 32
    w.bias[1] = vshlq_n_s16(w.scale[1], 5);
    w.min[0] = w.min[1] = vdupq_n_s16(0);
    w.d = half_to_float(b.d);
    w.dmin = 0.0f;
}

// Groups 2C and 2C+1 against x, scaled into acc.
template <int C>
inline int32x4_t add_chunk(int32x4_t acc, const KRow& w, const int8_t* x) {
    const int16x8_t p = dot_groups(w.q[2 * C], w.q[2 * C + 1], load16(x + 32 * C), load16(x + 32 * C + 16));
    acc = vmlal_laneq_s16(acc, vget_low_s16(p), w.scale[C / 4], (2 * C) % 8);
    return vmlal_high_laneq_s16(acc, p, w.scale[C / 4], (2 * C + 1) % 8);
}

// sum_g scale[g] sum_{e in g} q[e] x[e]: four independent accumulators, so the in-order A53 overlaps them.
template <int... C>
inline int32x4_t scaled_sums(const KRow& w, const int8_t* x, std::integer_sequence<int, C...>) {
    int32x4_t acc[4] = {vdupq_n_s32(0), vdupq_n_s32(0), vdupq_n_s32(0), vdupq_n_s32(0)};
    ((acc[C % 4] = add_chunk<C>(acc[C % 4], w, x)), ...);
    return vaddq_s32(vaddq_s32(acc[0], acc[1]), vaddq_s32(acc[2], acc[3]));
}

// sum_g terms[g] * bsums[g] as 4 lanes.
inline int32x4_t term_dot(const int16x8_t terms[2], int16x8_t bsums0, int16x8_t bsums1) {
    int32x4_t s = vmull_s16(vget_low_s16(terms[0]), vget_low_s16(bsums0));
    s = vmlal_high_s16(s, terms[0], bsums0);
    s = vmlal_s16(s, vget_low_s16(terms[1]), vget_low_s16(bsums1));
    return vmlal_high_s16(s, terms[1], bsums1);
}

template <typename BlockT, void (*Unpack)(const void*, KRow&), bool kHasBias, bool kHasMin>
struct KKernel {
    using Block = BlockT;

    // y += (d dx) int_dot; y -= (dmin dx) min_dot, as the scalar kernel (the same expressions, contracted alike).
    [[gnu::always_inline]] static float add_super_block(float sum, const KRow& w, const QuantizedRow& x, int64_t b) {
        const int16_t* bsums = x.bsums + kKGroups * b;
        const int16x8_t bsums0 = vld1q_s16(bsums), bsums1 = vld1q_s16(bsums + 8);
        int32x4_t lanes = scaled_sums(w, x.qs + 256 * b, std::make_integer_sequence<int, 8>());
        if constexpr (kHasBias) lanes = vsubq_s32(lanes, term_dot(w.bias, bsums0, bsums1));
        const int32_t min_dot = kHasMin ? vaddvq_s32(term_dot(w.min, bsums0, bsums1)) : 0;
        const float dx = x.d[b];
        sum += (w.d * dx) * static_cast<float>(vaddvq_s32(lanes));
        sum -= (w.dmin * dx) * static_cast<float>(min_dot);
        return sum;
    }

    template <int RM, int RN>
    static void tile(const GemmTask& task, int64_t r, int64_t t) {
        const ActivationView& x = *task.x;
        const int64_t n_blocks = x.cols / 256;
        QuantizedRow tokens[RN];
        for (int j = 0; j < RN; ++j) tokens[j] = x.quantized_row(t + j);
        float sums[RM][RN] = {};
        for (int64_t b = 0; b < n_blocks; ++b) {
            for (int i = 0; i < RM; ++i) {
                if constexpr (RN == 1) SPARSE_LLM_MCA_BEGIN("decode", 256);
                const uint8_t* block = task.w + (r + i) * task.row_bytes + b * sizeof(Block);
                if constexpr (RN == 1) prefetch_bytes<sizeof(Block)>(block + RM * task.row_bytes);
                KRow w;
                Unpack(block, w);
                for (int j = 0; j < RN; ++j) {
                    if constexpr (RN > 1) SPARSE_LLM_MCA_BEGIN("prefill_dot", 256);  // without the unpacking
                    sums[i][j] = add_super_block(sums[i][j], w, tokens[j], b);
                    if constexpr (RN > 1) SPARSE_LLM_MCA_END("prefill_dot", 256);
                }
                if constexpr (RN == 1) SPARSE_LLM_MCA_END("decode", 256);
            }
        }
        for (int j = 0; j < RN; ++j)
            for (int i = 0; i < RM; ++i) task.y[(t + j) * task.y_stride + r + i] = sums[i][j];
    }
};

using Q2_K = KKernel<gguf::BlockQ2_K, unpack_q2_K, false, true>;
using Q3_K = KKernel<gguf::BlockQ3_K, unpack_q3_K, true, false>;
using Q4_K = KKernel<gguf::BlockQ4_K, unpack_q4_K, false, true>;
using Q5_K = KKernel<gguf::BlockQ5_K, unpack_q5_K, false, true>;
using Q6_K = KKernel<gguf::BlockQ6_K, unpack_q6_K, true, false>;

// Prefill: 1 row x 8 tokens a tile (the unpacked row fills half the registers); decode: one row at a time.
constexpr int kTokens = 8;

}  // namespace

void gemm_q2_k(const GemmTask& task, int64_t begin, int64_t end) { rows_tiled<Q2_K, 1, kTokens>(task, begin, end); }
void gemm_q3_k(const GemmTask& task, int64_t begin, int64_t end) { rows_tiled<Q3_K, 1, kTokens>(task, begin, end); }
void gemm_q4_k(const GemmTask& task, int64_t begin, int64_t end) { rows_tiled<Q4_K, 1, kTokens>(task, begin, end); }
void gemm_q5_k(const GemmTask& task, int64_t begin, int64_t end) { rows_tiled<Q5_K, 1, kTokens>(task, begin, end); }
void gemm_q6_k(const GemmTask& task, int64_t begin, int64_t end) { rows_tiled<Q6_K, 1, kTokens>(task, begin, end); }

}  // namespace kernels::neon

#endif  // SPARSE_LLM_BUILD_NEON
