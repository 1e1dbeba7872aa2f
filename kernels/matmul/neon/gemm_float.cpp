// NEON kernels for float weights (F32, F16, BF16) against float activations: 4 columns per step, one fused
// multiply-add accumulator per (row, token), lane k summing the columns c = k mod 4 in order; then the lanes
// (vaddvq, a fixed order) and, for a row tail shorter than 4, the rest in scalar. Every (row, token) has the
// same arithmetic in any tile. f16 converts 4 values an instruction (fcvtl, ARMv8.0), bf16 is a shift.
#include "kernels/common/isa.h"

#if SPARSE_LLM_BUILD_NEON

#include <arm_neon.h>

#include <cstddef>
#include <cstdint>
#include <type_traits>

#include "kernels/matmul/float_weights.h"
#include "kernels/matmul/gemm_kernels.h"
#include "kernels/matmul/mca_region.h"

namespace kernels::neon {
namespace {

#include "kernels/matmul/arm/gemm_arm.inc"

// 4 weights of a row of W (F32Weights, F16Weights, BF16Weights) from column c, as floats.
template <class W>
inline float32x4_t load4(const uint8_t* row, int64_t c) {
    if constexpr (W::kBytes == 4) {
        return vld1q_f32(reinterpret_cast<const float*>(row) + c);
    } else {
        const uint16x4_t halves = vld1_u16(reinterpret_cast<const uint16_t*>(row) + c);
        if constexpr (std::is_same_v<W, F16Weights>) return vcvt_f32_f16(vreinterpret_f16_u16(halves));
        else return vreinterpretq_f32_u32(vshll_n_u16(halves, 16));  // bf16: the high half of a float
    }
}

template <class W>
struct FloatKernel {
    static constexpr int64_t kLine = 64 / W::kBytes;  // columns per cache line of a row

    template <int RM, int RN>
    static void tile(const GemmTask& task, int64_t r, int64_t t) {
        const FloatTile<RM, RN> in(task, r, t);
        float32x4_t acc[RM][RN];
        for (auto& row : acc)
            for (auto& a : row) a = vdupq_n_f32(0.0f);
        auto step = [&](int64_t c) {
            float32x4_t w[RM];
            for (int i = 0; i < RM; ++i) w[i] = load4<W>(in.rows[i], c);
            for (int j = 0; j < RN; ++j) {
                const float32x4_t x = vld1q_f32(in.xs[j] + c);
                for (int i = 0; i < RM; ++i) acc[i][j] = vfmaq_f32(acc[i][j], w[i], x);
            }
        };
        // A cache line of every row a pass; decode (one token) asks for the same line of the next tile's rows.
        int64_t c = 0;
        for (; c + kLine <= in.cols; c += kLine) {
            if constexpr (RN == 1) SPARSE_LLM_MCA_BEGIN("decode", RM * kLine);
            else SPARSE_LLM_MCA_BEGIN("prefill", RM * RN * kLine);
            if constexpr (RN == 1)
                for (int i = 0; i < RM; ++i) __builtin_prefetch(in.rows[i] + c * W::kBytes + RM * task.row_bytes);
#pragma GCC unroll 16
            for (int64_t k = 0; k < kLine; k += 4) step(c + k);
            if constexpr (RN == 1) SPARSE_LLM_MCA_END("decode", RM * kLine);
            else SPARSE_LLM_MCA_END("prefill", RM * RN * kLine);
        }
        for (; c + 4 <= in.cols; c += 4) step(c);
        for (int j = 0; j < RN; ++j)
            for (int i = 0; i < RM; ++i) {
                float sum = hsum(acc[i][j]);
                for (int64_t tail = c; tail < in.cols; ++tail) sum += W::at(in.rows[i], tail) * in.xs[j][tail];
                task.y[(t + j) * task.y_stride + r + i] = sum;
            }
    }
};

}  // namespace

// Prefill: 4 rows x 4 tokens a tile (16 accumulators); decode: 8 rows, enough chains to cover the A53's
// multiply-add latency.
void gemm_f32(const GemmTask& task, int64_t begin, int64_t end) { rows_tiled<FloatKernel<F32Weights>, 4, 4, 8>(task, begin, end); }
void gemm_f16(const GemmTask& task, int64_t begin, int64_t end) { rows_tiled<FloatKernel<F16Weights>, 4, 4, 8>(task, begin, end); }
void gemm_bf16(const GemmTask& task, int64_t begin, int64_t end) { rows_tiled<FloatKernel<BF16Weights>, 4, 4, 8>(task, begin, end); }

}  // namespace kernels::neon

#endif  // SPARSE_LLM_BUILD_NEON
