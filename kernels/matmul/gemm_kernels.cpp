#include "kernels/matmul/gemm_kernels.h"

namespace kernels {
namespace {

using gguf::GgmlType;

// A row of the table: a weight type, the form of its activations (llama.cpp's vec_dot_type) and its kernel
// in every instruction set, in the order of Isa: scalar, AVX2, NEON, dotprod, AVX-VNNI, AVX-512 (nullptr for a
// set the build lacks or a set without a kernel of its own: dotprod has one only where the inner loop is an
// int8 dot product, avx-vnni and avx512 where it is one of a 32-element format).
#define ENTRY_WITH(type, activation, kernel, dotprod_kernel, avx_vnni_kernel, avx512_kernel)                 \
    {GgmlType::type, ActivationType::activation,                                                          \
     {scalar::kernel, SPARSE_LLM_IF_AVX2(avx2::kernel), SPARSE_LLM_IF_NEON(neon::kernel), dotprod_kernel,  \
      avx_vnni_kernel, avx512_kernel}}
#define ENTRY(type, activation, kernel) ENTRY_WITH(type, activation, kernel, nullptr, nullptr, nullptr)
#define ENTRY_DOTPROD(type, activation, kernel) \
    ENTRY_WITH(type, activation, kernel, SPARSE_LLM_IF_DOTPROD(dotprod::kernel), nullptr, nullptr)
#define ENTRY_INT8(type, activation, kernel)                                                                 \
    ENTRY_WITH(type, activation, kernel, SPARSE_LLM_IF_DOTPROD(dotprod::kernel),                             \
               SPARSE_LLM_IF_AVX_VNNI(avx_vnni::kernel), SPARSE_LLM_IF_AVX512(avx512::kernel))

// The weight types we multiply: float weights against the float activations; the 32-element formats against
// q8_0 (q4_1 and q5_1 too: they sum its values on the fly instead of taking q8_1's rounded f16 sum); the
// K-quants against q8_K.
constexpr GemmKernels kGemmKernels[] = {
    ENTRY(F32, F32, gemm_f32),             ENTRY(F16, F32, gemm_f16),             ENTRY(BF16, F32, gemm_bf16),
    ENTRY_INT8(Q4_0, Q8_0, gemm_q4_0),     ENTRY_INT8(Q4_1, Q8_0, gemm_q4_1),     ENTRY_INT8(Q5_0, Q8_0, gemm_q5_0),
    ENTRY_INT8(Q5_1, Q8_0, gemm_q5_1),     ENTRY_INT8(Q8_0, Q8_0, gemm_q8_0),
    ENTRY_DOTPROD(Q2_K, Q8_K, gemm_q2_k),  ENTRY_DOTPROD(Q3_K, Q8_K, gemm_q3_k),  ENTRY_DOTPROD(Q4_K, Q8_K, gemm_q4_k),
    ENTRY_DOTPROD(Q5_K, Q8_K, gemm_q5_k),  ENTRY_DOTPROD(Q6_K, Q8_K, gemm_q6_k),
};

#undef ENTRY_INT8
#undef ENTRY_DOTPROD
#undef ENTRY
#undef ENTRY_WITH

}  // namespace

const GemmKernels* gemm_kernels(GgmlType type) {
    for (const GemmKernels& k : kGemmKernels)
        if (k.type == type) return &k;
    return nullptr;
}

}  // namespace kernels
