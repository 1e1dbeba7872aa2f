// Vectorised inner loops of the attention kernels, one implementation per ISA behind one set of signatures,
// chosen at build time: AVX2+FMA+F16C on x86-64, NEON on aarch64, scalar otherwise (or with
// -DSPARSE_LLM_SIMD=OFF). `kernels::scalar` is always built: it is the reference the SIMD paths are tested
// against. `kernels::simd` names the one in use.
//
// Rows are gathered by index: row j starts at base + j * stride (stride in elements). Half rows hold IEEE
// fp16 bit patterns (uint16_t) and are widened to f32 in registers; all arithmetic is f32.
#pragma once

#include <cstddef>
#include <cstdint>

#if !defined(SPARSE_LLM_NO_SIMD) && defined(__AVX2__) && defined(__FMA__) && defined(__F16C__)
#define SPARSE_LLM_ISA_AVX2 1
#elif !defined(SPARSE_LLM_NO_SIMD) && defined(__aarch64__) && defined(__ARM_NEON)
#define SPARSE_LLM_ISA_NEON 1
#else
#define SPARSE_LLM_ISA_SCALAR 1
#endif

#define SPARSE_LLM_DECLARE_ROW_KERNELS                                                                        \
    /* scores[c] = dot(q, row(idx[c])) * scale, c < n */                                                       \
    void gather_scores(const float* q, const float* base, size_t stride, const uint32_t* idx, size_t n,        \
                       size_t dim, float scale, float* scores);                                                \
    void gather_scores(const float* q, const uint16_t* base, size_t stride, const uint32_t* idx, size_t n,     \
                       size_t dim, float scale, float* scores);                                                \
    /* acc[d] += sum_c weights[c] * row(idx[c])[d] */                                                          \
    void gather_accumulate(const float* weights, const float* base, size_t stride, const uint32_t* idx,        \
                           size_t n, size_t dim, float* acc);                                                  \
    void gather_accumulate(const float* weights, const uint16_t* base, size_t stride, const uint32_t* idx,     \
                           size_t n, size_t dim, float* acc);                                                  \
    /* Query tiles (nq <= kMaxQueryTile queries) against the contiguous rows j0 .. j0+n-1, f32 rows: */          \
    /* scores[q * n + c] = dot(q_rows[q], row(j0 + c)) * scale */                                              \
    void tile_scores(const float* const* q_rows, size_t nq, const float* base, size_t stride, size_t j0,        \
                     size_t n, size_t dim, float scale, float* scores);                                        \
    /* acc[q][d] += sum_c weights[q * n + c] * row(j0 + c)[d] */                                               \
    void tile_accumulate(const float* weights, size_t nq, const float* base, size_t stride, size_t j0,          \
                         size_t n, size_t dim, float* const* acc);                                             \
    /* max of x[0..n), -inf when n == 0 */                                                                     \
    float max_value(const float* x, size_t n);                                                                 \
    /* x[c] = exp(x[c] - shift); returns the sum of the new x */                                               \
    float exp_shifted_sum(float* x, size_t n, float shift);                                                    \
    /* x[d] *= factor */                                                                                       \
    void scale(float* x, size_t n, float factor);                                                              \
    /* out[d] = x[d] as fp16, exactly gguf::fp32_to_fp16 (ties to even; NaN -> quiet NaN of its sign) */        \
    void to_half(const float* x, size_t n, uint16_t* out);                                                     \
    /* e^x as the vector paths compute it */                                                                   \
    float exp1(float x);                                                                                       \
    const char* isa_name();

namespace kernels {

constexpr size_t kMaxQueryTile = 4;

namespace scalar {
SPARSE_LLM_DECLARE_ROW_KERNELS
}

#if defined(SPARSE_LLM_ISA_AVX2)
namespace avx2 {
SPARSE_LLM_DECLARE_ROW_KERNELS
}
namespace simd = avx2;
#elif defined(SPARSE_LLM_ISA_NEON)
namespace neon {
SPARSE_LLM_DECLARE_ROW_KERNELS
}
namespace simd = neon;
#else
namespace simd = scalar;
#endif

}  // namespace kernels

#undef SPARSE_LLM_DECLARE_ROW_KERNELS
