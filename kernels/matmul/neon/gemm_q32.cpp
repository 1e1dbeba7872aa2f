// NEON (ARMv8.0) kernels for the 32-element formats against q8_0 activations: arm/gemm_q32.inc with the int8
// dot products of ARMv8.0, which has no 8-bit dot product instruction.
#include "kernels/common/isa.h"

#if SPARSE_LLM_BUILD_NEON

#include <arm_neon.h>

#include <cstddef>
#include <cstdint>

#include "gguf/quant/blocks.h"
#include "kernels/matmul/gemm_kernels.h"
#include "kernels/matmul/mca_region.h"

namespace kernels::neon {
namespace {

#include "kernels/matmul/arm/gemm_arm.inc"

// The exact dot products of one 32-element block of 4 rows with x: lane i is sum_j w_i[j] x[j], for w_i in
// lo[i] (elements 0-15) and hi[i] (16-31), |x| <= 127 (q8 activations), and |w| <= kMax. Products widen to
// 16 bits (smull / smlal2, 8 products an instruction), and 16-bit lanes add into 32-bit ones (saddlp /
// sadalp) before they can overflow: a 16-bit lane sums 16 products of 4-bit values (16 * 15 * 127 < 2^15), 8
// of 5-bit ones, 2 of 8-bit ones.
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

}  // namespace

#include "kernels/matmul/arm/gemm_q32.inc"

}  // namespace kernels::neon

#endif  // SPARSE_LLM_BUILD_NEON
