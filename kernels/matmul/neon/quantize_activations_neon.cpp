// NEON activation quantizers: 4 lanes at a time, the same values as the scalar ones (scalar/), NaN included.
// ARMv8.0 has both roundings the reference quantizers use as one instruction: fcvtas (to nearest, halves away
// from zero: roundf) for q8_0 and fcvtns (to nearest, halves to even: nearbyint) for q8_K.
#include "kernels/common/isa.h"

#if SPARSE_LLM_BUILD_NEON

#include <arm_neon.h>


#include "kernels/matmul/q8_scales.h"
#include "kernels/matmul/quantized_activations.h"

namespace kernels::neon {
namespace {

// The largest |x| of n values (a multiple of 16). fmaxnm passes a NaN over, as std::max(amax, |x|) does in
// the scalar versions.
inline float abs_max(const float* x, int n) {
    float32x4_t amax = vdupq_n_f32(0.0f);
    for (int j = 0; j < n; j += 16) {
        const float32x4_t a = vmaxnmq_f32(vabsq_f32(vld1q_f32(x + j)), vabsq_f32(vld1q_f32(x + j + 4)));
        const float32x4_t b = vmaxnmq_f32(vabsq_f32(vld1q_f32(x + j + 8)), vabsq_f32(vld1q_f32(x + j + 12)));
        amax = vmaxnmq_f32(amax, vmaxnmq_f32(a, b));
    }
    return vmaxnmvq_f32(amax);
}

// 16 int32 lanes (within int8's range) narrowed to bytes, in order.
inline int8x16_t narrow16(int32x4_t a, int32x4_t b, int32x4_t c, int32x4_t d) {
    return vcombine_s8(vqmovn_s16(vcombine_s16(vqmovn_s32(a), vqmovn_s32(b))),
                       vqmovn_s16(vcombine_s16(vqmovn_s32(c), vqmovn_s32(d))));
}

inline int32_t sum16(int32x4_t a, int32x4_t b, int32x4_t c, int32x4_t d) {
    return vaddvq_s32(vaddq_s32(vaddq_s32(a, b), vaddq_s32(c, d)));
}

}  // namespace

void quantize_row_q8_0(const float* x, int8_t* qs, float* d, int16_t* bsums, int64_t n) {
    for (int64_t b = 0; b < n / kQ8_0Block; ++b, x += kQ8_0Block, qs += kQ8_0Block) {
        const float amax = abs_max(x, kQ8_0Block);
        d[b] = q8_0_scale(amax);
        const float inverse = q8_0_inverse_scale(amax);
        int32x4_t q[8];
        for (int i = 0; i < 8; ++i) q[i] = vcvtaq_s32_f32(vmulq_n_f32(vld1q_f32(x + 4 * i), inverse));
        vst1q_s8(qs, narrow16(q[0], q[1], q[2], q[3]));
        vst1q_s8(qs + 16, narrow16(q[4], q[5], q[6], q[7]));
        bsums[b] = static_cast<int16_t>(sum16(q[0], q[1], q[2], q[3]) + sum16(q[4], q[5], q[6], q[7]));
    }
}

void quantize_row_q8_K(const float* x, int8_t* qs, float* d, int16_t* bsums, int64_t n) {
    for (int64_t b = 0; b < n / kQ8_KBlock; ++b, x += kQ8_KBlock, qs += kQ8_KBlock, bsums += kQ8_KBlock / kQ8_KGroup) {
        const float amax = abs_max(x, kQ8_KBlock);
        if (amax == 0.0f) {
            q8_K_zero_block(qs, d + b, bsums);
            continue;
        }
        const float iscale = q8_K_inverse_scale(x, amax);
        const int32x4_t limit = vdupq_n_s32(127);
        for (int j = 0; j < kQ8_KBlock; j += kQ8_KGroup) {
            int32x4_t q[4];
            for (int i = 0; i < 4; ++i) q[i] = vminq_s32(vcvtnq_s32_f32(vmulq_n_f32(vld1q_f32(x + j + 4 * i), iscale)), limit);
            vst1q_s8(qs + j, narrow16(q[0], q[1], q[2], q[3]));
            bsums[j / kQ8_KGroup] = static_cast<int16_t>(sum16(q[0], q[1], q[2], q[3]));
        }
        d[b] = 1.0f / iscale;
    }
}

}  // namespace kernels::neon

#endif  // SPARSE_LLM_BUILD_NEON
