// NEON (ARMv8.0) kernels for the K-quants against q8_K activations: arm/gemm_kquant.inc with the int8 dot
// products of ARMv8.0, which has no 8-bit dot product instruction.
#include "kernels/common/isa.h"

#if SPARSE_LLM_BUILD_NEON

#include <arm_neon.h>

#include <cstddef>
#include <cstdint>
#include <utility>

#include "gguf/quant/blocks.h"
#include "kernels/matmul/gemm_kernels.h"
#include "kernels/matmul/kquant_unpack.h"
#include "kernels/matmul/mca_region.h"

namespace kernels::neon {
namespace {

#include "kernels/matmul/arm/gemm_arm.inc"

// Two groups of 16 (a and b) against x: lanes 0-3 of the result sum group a's products, lanes 4-7 group b's.
// The products widen to 16 bits (smull / smlal2) and pairs of lanes add (addp), so each lane holds four
// products: exact for 0 <= w <= 63 and |x| <= 127 (4 * 63 * 127 = 32004).
inline int16x8_t dot_groups(int8x16_t a, int8x16_t b, int8x16_t x_a, int8x16_t x_b) {
    int16x8_t pa = vmull_s8(vget_low_s8(a), vget_low_s8(x_a));
    pa = vmlal_high_s8(pa, a, x_a);
    int16x8_t pb = vmull_s8(vget_low_s8(b), vget_low_s8(x_b));
    pb = vmlal_high_s8(pb, b, x_b);
    return vpaddq_s16(pa, pb);
}

}  // namespace

#include "kernels/matmul/arm/gemm_kquant.inc"

}  // namespace kernels::neon

#endif  // SPARSE_LLM_BUILD_NEON
