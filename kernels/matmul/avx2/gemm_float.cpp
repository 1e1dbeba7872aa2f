// AVX2 kernels for float weights (F32, F16, BF16) against float activations: 8 columns per step, one fused
// multiply-add accumulator per (row, token); a row tail shorter than 8 is summed in scalar after the lanes.
#include "kernels/common/isa.h"

#if SPARSE_LLM_BUILD_AVX2

#include "kernels/common/avx2/avx2_flags.h"

#include <cstddef>
#include <cstdint>

#include "kernels/matmul/gemm_kernels.h"

namespace kernels::avx2 {
namespace {

#include "kernels/matmul/avx2/gemm_avx2.inc"

// The weight types as float_weights.h has them (bytes per element, element c as a float: `at`, for a row's
// tail), in this set's own code, and 8 elements at a time.
inline uint16_t u16_at(const uint8_t* row, int64_t c) {
    uint16_t h;
    __builtin_memcpy(&h, row + 2 * c, 2);
    return h;
}

struct F32 {
    static constexpr int64_t kBytes = 4;
    static float at(const uint8_t* row, int64_t c) {
        float v;
        __builtin_memcpy(&v, row + 4 * c, 4);
        return v;
    }
    static __m256 load8(const uint8_t* row, int64_t c) { return _mm256_loadu_ps(reinterpret_cast<const float*>(row) + c); }
};

struct F16 {
    static constexpr int64_t kBytes = 2;
    static float at(const uint8_t* row, int64_t c) { return half_to_float(u16_at(row, c)); }
    static __m256 load8(const uint8_t* row, int64_t c) {
        return _mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i*>(row + 2 * c)));
    }
};

struct BF16 {
    static constexpr int64_t kBytes = 2;
    static float at(const uint8_t* row, int64_t c) {
        const uint32_t bits = uint32_t{u16_at(row, c)} << 16;
        float v;
        __builtin_memcpy(&v, &bits, 4);
        return v;
    }
    static __m256 load8(const uint8_t* row, int64_t c) {
        const __m256i wide = _mm256_cvtepu16_epi32(_mm_loadu_si128(reinterpret_cast<const __m128i*>(row + 2 * c)));
        return _mm256_castsi256_ps(_mm256_slli_epi32(wide, 16));
    }
};

template <class W>
struct FloatKernel {
    template <int RM, int RN>
    static void tile(const GemmTask& task, int64_t r, int64_t t) {
        const FloatTile<RM, RN> in(task, r, t);
        TileAccumulators<RM, RN> acc;
        int64_t c = 0;
        for (; c + 8 <= in.cols; c += 8) {
            __m256 w[RM];
            for (int i = 0; i < RM; ++i) {
                if (c % 32 == 0) prefetch_next_tile(in.rows[i] + c * W::kBytes, RM * task.row_bytes, 1);
                w[i] = W::load8(in.rows[i], c);
            }
            for (int j = 0; j < RN; ++j) {
                const __m256 x = _mm256_loadu_ps(in.xs[j] + c);
                for (int i = 0; i < RM; ++i) acc.v[i][j] = _mm256_fmadd_ps(w[i], x, acc.v[i][j]);
            }
        }
        acc.store(task, r, t, [&](int i, int j, float sum) {
            for (int64_t tail = c; tail < in.cols; ++tail) sum += W::at(in.rows[i], tail) * in.xs[j][tail];
            return sum;
        });
    }
};

}  // namespace

void gemm_f32(const GemmTask& task, int64_t begin, int64_t end) {
    rows_tiled<FloatKernel<F32>, 3, 4, 4>(task, begin, end);
}
void gemm_f16(const GemmTask& task, int64_t begin, int64_t end) {
    rows_tiled<FloatKernel<F16>, 3, 4, 4>(task, begin, end);
}
void gemm_bf16(const GemmTask& task, int64_t begin, int64_t end) {
    rows_tiled<FloatKernel<BF16>, 3, 4, 4>(task, begin, end);
}

}  // namespace kernels::avx2

#endif  // SPARSE_LLM_BUILD_AVX2
