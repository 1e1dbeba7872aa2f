#include "kernels/matmul/gemm_kernels.h"

namespace kernels {
namespace {

using gguf::GgmlType;

// A type's kernel in every instruction set, in the order of Isa: scalar, AVX2, NEON (nullptr for a set the
// build lacks).
#define SPARSE_LLM_EVERY_SET(kernel) \
    { scalar::kernel, SPARSE_LLM_IF_AVX2(avx2::kernel), SPARSE_LLM_IF_NEON(neon::kernel) }

// The weight types we multiply: the form of their activations (llama.cpp's vec_dot_type) and their kernels.
constexpr GemmKernels kGemmKernels[] = {
    // float weights against the float activations
    {GgmlType::F32, ActivationType::F32, SPARSE_LLM_EVERY_SET(gemm_f32)},
    {GgmlType::F16, ActivationType::F32, SPARSE_LLM_EVERY_SET(gemm_f16)},
    {GgmlType::BF16, ActivationType::F32, SPARSE_LLM_EVERY_SET(gemm_bf16)},
    // the 32-element formats against q8_0 (q4_1 and q5_1 too: they sum its values on the fly instead of taking
    // q8_1's rounded f16 sum)
    {GgmlType::Q4_0, ActivationType::Q8_0, SPARSE_LLM_EVERY_SET(gemm_q4_0)},
    {GgmlType::Q4_1, ActivationType::Q8_0, SPARSE_LLM_EVERY_SET(gemm_q4_1)},
    {GgmlType::Q5_0, ActivationType::Q8_0, SPARSE_LLM_EVERY_SET(gemm_q5_0)},
    {GgmlType::Q5_1, ActivationType::Q8_0, SPARSE_LLM_EVERY_SET(gemm_q5_1)},
    {GgmlType::Q8_0, ActivationType::Q8_0, SPARSE_LLM_EVERY_SET(gemm_q8_0)},
    // the K-quants against q8_K
    {GgmlType::Q2_K, ActivationType::Q8_K, SPARSE_LLM_EVERY_SET(gemm_q2_k)},
    {GgmlType::Q3_K, ActivationType::Q8_K, SPARSE_LLM_EVERY_SET(gemm_q3_k)},
    {GgmlType::Q4_K, ActivationType::Q8_K, SPARSE_LLM_EVERY_SET(gemm_q4_k)},
    {GgmlType::Q5_K, ActivationType::Q8_K, SPARSE_LLM_EVERY_SET(gemm_q5_k)},
    {GgmlType::Q6_K, ActivationType::Q8_K, SPARSE_LLM_EVERY_SET(gemm_q6_k)},
};

#undef SPARSE_LLM_EVERY_SET

}  // namespace

const GemmKernels* gemm_kernels(GgmlType type) {
    for (const GemmKernels& k : kGemmKernels)
        if (k.type == type) return &k;
    return nullptr;
}

}  // namespace kernels
