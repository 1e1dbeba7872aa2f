// The dot-product set (ARMv8.2 sdot: Cortex-A55/A76 and later, the Pi 5): the gemm kernels whose inner loop is
// an int8 dot product, every quantized type's. They are neon's kernels (arm/gemm_q32.inc, arm/gemm_kquant.inc)
// with sdot in the two helpers that do the int8 products; the float types run neon's. Built with
// -march=armv8.2-a+dotprod (kernels/CMakeLists.txt) and run only where the CPU reports asimddp. Under isa.h's
// rule for sets with flags of their own: everything here is in kernels::dotprod, and nothing inline from a
// shared header or the standard library is called.
#include "kernels/common/isa.h"

#if SPARSE_LLM_BUILD_DOTPROD

#if !defined(__ARM_FEATURE_DOTPROD)
#error "kernels/<library>/dotprod/ files need -march=armv8.2-a+dotprod: kernels/CMakeLists.txt gives it to them"
#endif

#include <arm_neon.h>

#include <cstddef>
#include <cstdint>
#include <utility>

#include "gguf/quant/blocks.h"
#include "kernels/matmul/gemm_kernels.h"
#include "kernels/matmul/kquant_unpack.h"
#include "kernels/matmul/mca_region.h"

namespace kernels::dotprod {
namespace {

#include "kernels/matmul/arm/gemm_arm.inc"

// The exact dot products of one 32-element block of 4 rows with x: lane i is sum_j w_i[j] x[j], for w_i in
// lo[i] (elements 0-15) and hi[i] (16-31). sdot adds the products of 4 adjacent bytes into each int32 lane
// (exact for any int8 values), so two of them leave row i's 32 products in the 4 lanes of rows[i], and the
// pairwise adds put them in lane i. kMax, the bound of the values, matters only to neon's version.
template <int kMax>
inline int32x4_t dot_block_rows4(const int8x16_t lo[4], const int8x16_t hi[4], int8x16_t x_lo, int8x16_t x_hi) {
    int32x4_t rows[4];
    for (int i = 0; i < 4; ++i) rows[i] = vdotq_s32(vdotq_s32(vdupq_n_s32(0), lo[i], x_lo), hi[i], x_hi);
    return vpaddq_s32(vpaddq_s32(rows[0], rows[1]), vpaddq_s32(rows[2], rows[3]));
}

// Two groups of 16 (a and b) against x: lanes 0-3 of the result sum group a's products, lanes 4-7 group b's.
// sdot puts 4 products in each int32 lane, at most 4 * 63 * 127 = 32004 in magnitude for 0 <= w <= 63 and
// |x| <= 127, so the low halves of the lanes (uzp1) hold them exactly.
inline int16x8_t dot_groups(int8x16_t a, int8x16_t b, int8x16_t x_a, int8x16_t x_b) {
    const int32x4_t pa = vdotq_s32(vdupq_n_s32(0), a, x_a), pb = vdotq_s32(vdupq_n_s32(0), b, x_b);
    return vuzp1q_s16(vreinterpretq_s16_s32(pa), vreinterpretq_s16_s32(pb));
}

}  // namespace

#include "kernels/matmul/arm/gemm_q32.inc"
#include "kernels/matmul/arm/gemm_kquant.inc"

}  // namespace kernels::dotprod

#endif  // SPARSE_LLM_BUILD_DOTPROD
