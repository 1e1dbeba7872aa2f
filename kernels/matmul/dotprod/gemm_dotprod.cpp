// The dot-product set (ARMv8.2 sdot: Cortex-A55/A76 and later, the Pi 5): the gemm kernels whose inner loop is
// an int8 dot product. Built with -march=armv8.2-a+dotprod (kernels/CMakeLists.txt) and run only where the CPU
// reports asimddp; every other type runs neon's kernels. Under isa.h's rule for sets with flags of their own:
// everything here is in kernels::dotprod, and nothing inline from a shared header is called.
#include "kernels/common/isa.h"

#if SPARSE_LLM_BUILD_DOTPROD

#if !defined(__ARM_FEATURE_DOTPROD)
#error "kernels/<library>/dotprod/ files need -march=armv8.2-a+dotprod: kernels/CMakeLists.txt gives it to them"
#endif

#include <arm_neon.h>

#include <cstddef>

#include "gguf/quant/blocks.h"
#include "kernels/matmul/gemm_kernels.h"

namespace kernels::dotprod {

#include "kernels/matmul/gemm_q32_arm.inc"

namespace {

struct Q8_0 {
    using Block = gguf::BlockQ8_0;
    struct Weights {
        int8x16_t lo[kQ32TileRows], hi[kQ32TileRows];
    };
    static Weights load(const Q32Tile& tile, size_t block_offset) {
        Weights w;
        for (int i = 0; i < kQ32TileRows; ++i) {
            const auto* qs = reinterpret_cast<const int8_t*>(tile.rows[i] + block_offset + offsetof(Block, qs));
            w.lo[i] = vld1q_s8(qs);
            w.hi[i] = vld1q_s8(qs + 16);
        }
        return w;
    }
    // sdot: each int32 lane gains the sum of 4 adjacent byte products; the pairwise adds then leave row i's
    // 32 products in lane i. Exact.
    static int32x4_t dot(const Weights& w, int8x16_t x_lo, int8x16_t x_hi) {
        int32x4_t p[kQ32TileRows];
        for (int i = 0; i < kQ32TileRows; ++i) p[i] = vdotq_s32(vdotq_s32(vdupq_n_s32(0), w.lo[i], x_lo), w.hi[i], x_hi);
        return vpaddq_s32(vpaddq_s32(p[0], p[1]), vpaddq_s32(p[2], p[3]));
    }
};

}  // namespace

void gemm_q8_0(const GemmTask& task, int64_t begin, int64_t end) { q32_rows<Q8_0>(task, begin, end); }

}  // namespace kernels::dotprod

#endif  // SPARSE_LLM_BUILD_DOTPROD
