// ARMv8.0 NEON building blocks of the NEON gemm kernels (gemm_float.cpp, gemm_q32.cpp, gemm_kquant.cpp); the
// row x token tiling they use is gemm_tiling.h. Include only within #if SPARSE_LLM_BUILD_NEON.
//
// ARMv8.0 (Cortex-A53, A72) has no 8-bit dot product: an int8 product widens to 16 bits (smull / smlal2,
// 8 products an instruction), and 16-bit lanes add into 32-bit ones (saddlp / sadalp) before they can
// overflow. The two helpers that do it, dot_block_rows4 and dot_groups, are the only places that know; a set
// with sdot (ARMv8.2) replaces them and keeps the rest.
#pragma once

#include <arm_neon.h>

#include <cstddef>
#include <cstdint>
#include <cstring>

#include "kernels/matmul/gemm_kernels.h"
#include "kernels/matmul/gemm_tiling.h"
#include "kernels/matmul/mca_region.h"

namespace kernels::neon {

// The exact dot products of one 32-element block of 4 rows with x: lane i is sum_j w_i[j] x[j], for w_i in
// lo[i] (elements 0-15) and hi[i] (16-31), |x| <= 127 (q8 activations), and |w| <= kMax. Products widen to
// 16 bits; how many a 16-bit lane can sum before widening to 32 depends on kMax: 16 for 4-bit values (16 * 15
// * 127 < 2^15), 8 for 5-bit ones, 2 for 8-bit ones.
template <int kMax>
inline int32x4_t dot_block_rows4(const int8x16_t lo[4], const int8x16_t hi[4], int8x16_t x_lo, int8x16_t x_hi) {
    static_assert(kMax == 15 || kMax == 31 || kMax == 128, "4-bit, 5-bit or 8-bit values");
    if constexpr (kMax == 128) {
        int32x4_t rows[4];
        for (int i = 0; i < 4; ++i) {
            const int16x8_t a = vmlal_high_s8(vmull_s8(vget_low_s8(lo[i]), vget_low_s8(x_lo)), lo[i], x_lo);
            const int16x8_t b = vmlal_high_s8(vmull_s8(vget_low_s8(hi[i]), vget_low_s8(x_hi)), hi[i], x_hi);
            rows[i] = vpadalq_s16(vpaddlq_s16(a), b);
        }
        return vpaddq_s32(vpaddq_s32(rows[0], rows[1]), vpaddq_s32(rows[2], rows[3]));
    } else {
        int16x8_t rows[4];  // 4 products a lane
        for (int i = 0; i < 4; ++i) {
            int16x8_t a = vmull_s8(vget_low_s8(lo[i]), vget_low_s8(x_lo));
            a = vmlal_high_s8(a, lo[i], x_lo);
            a = vmlal_s8(a, vget_low_s8(hi[i]), vget_low_s8(x_hi));
            rows[i] = vmlal_high_s8(a, hi[i], x_hi);
        }
        const int16x8_t r01 = vpaddq_s16(rows[0], rows[1]), r23 = vpaddq_s16(rows[2], rows[3]);  // 8 a lane
        if constexpr (kMax == 15) return vpaddlq_s16(vpaddq_s16(r01, r23));                     // 16 a lane
        else return vpaddq_s32(vpaddlq_s16(r01), vpaddlq_s16(r23));
    }
}

// Two groups of 16 (a and b) against x: lanes 0-3 of the result sum group a's products, lanes 4-7 group b's.
// Each lane holds four products: exact for 0 <= w <= 63 and |x| <= 127 (4 * 63 * 127 = 32004).
inline int16x8_t dot_groups(int8x16_t a, int8x16_t b, int8x16_t x_a, int8x16_t x_b) {
    int16x8_t pa = vmull_s8(vget_low_s8(a), vget_low_s8(x_a));
    pa = vmlal_high_s8(pa, a, x_a);
    int16x8_t pb = vmull_s8(vget_low_s8(b), vget_low_s8(x_b));
    pb = vmlal_high_s8(pb, b, x_b);
    return vpaddq_s16(pa, pb);
}

// The sum of the 4 lanes, always in the same order.
inline float hsum(float32x4_t v) { return vaddvq_f32(v); }

inline float half_to_float(uint16_t h) {
    __fp16 f;
    std::memcpy(&f, &h, sizeof f);
    return static_cast<float>(f);  // fcvt: exact, as gguf::fp16_to_fp32
}

inline uint16_t load_u16(const uint8_t* p) {
    uint16_t v;
    std::memcpy(&v, p, sizeof v);
    return v;
}
inline uint32_t load_u32(const uint8_t* p) {
    uint32_t v;
    std::memcpy(&v, p, sizeof v);
    return v;
}
inline int8x16_t load16(const void* p) { return vld1q_s8(static_cast<const int8_t*>(p)); }
inline uint8x16_t load16u(const void* p) { return vld1q_u8(static_cast<const uint8_t*>(p)); }

// Decode reads each weight once, tile by tile; rows of a few hundred bytes are short streams for the hardware
// prefetcher, so a kernel asks for the bytes of a tile further on while it computes this one: kBytes from p
// (cache lines of 64 bytes).
template <size_t kBytes>
inline void prefetch_bytes(const uint8_t* p) {
    for (size_t offset = 0; offset < kBytes; offset += 64) __builtin_prefetch(p + offset);
}

}  // namespace kernels::neon
