#include "kernels/matmul/gemm_kernels.h"

namespace kernels {
namespace {

using gguf::GgmlType;

// The weight types we multiply: the form of their activations (llama.cpp's vec_dot_type) and their kernel per
// instruction set, in the order of Isa: scalar, AVX2, NEON, dotprod (an entry left out is nullptr).
constexpr GemmKernels kGemmKernels[] = {
    // float weights against the float activations
    {GgmlType::F32, ActivationType::F32, {scalar::gemm_f32, SPARSE_LLM_IF_AVX2(avx2::gemm_f32), nullptr}},
    {GgmlType::F16, ActivationType::F32, {scalar::gemm_f16, SPARSE_LLM_IF_AVX2(avx2::gemm_f16), nullptr}},
    {GgmlType::BF16, ActivationType::F32, {scalar::gemm_bf16, SPARSE_LLM_IF_AVX2(avx2::gemm_bf16), nullptr}},
    // the 32-element formats against q8_0 (q4_1 and q5_1 too: they sum its values on the fly instead of taking
    // q8_1's rounded f16 sum)
    {GgmlType::Q4_0, ActivationType::Q8_0, {scalar::gemm_q4_0, SPARSE_LLM_IF_AVX2(avx2::gemm_q4_0), nullptr}},
    {GgmlType::Q4_1, ActivationType::Q8_0, {scalar::gemm_q4_1, SPARSE_LLM_IF_AVX2(avx2::gemm_q4_1), nullptr}},
    {GgmlType::Q5_0, ActivationType::Q8_0, {scalar::gemm_q5_0, SPARSE_LLM_IF_AVX2(avx2::gemm_q5_0), nullptr}},
    {GgmlType::Q5_1, ActivationType::Q8_0, {scalar::gemm_q5_1, SPARSE_LLM_IF_AVX2(avx2::gemm_q5_1), nullptr}},
    {GgmlType::Q8_0, ActivationType::Q8_0,
     {scalar::gemm_q8_0, SPARSE_LLM_IF_AVX2(avx2::gemm_q8_0), nullptr, SPARSE_LLM_IF_DOTPROD(dotprod::gemm_q8_0)}},
    // the K-quants against q8_K
    {GgmlType::Q2_K, ActivationType::Q8_K, {scalar::gemm_q2_k, SPARSE_LLM_IF_AVX2(avx2::gemm_q2_k), nullptr}},
    {GgmlType::Q3_K, ActivationType::Q8_K, {scalar::gemm_q3_k, SPARSE_LLM_IF_AVX2(avx2::gemm_q3_k), nullptr}},
    {GgmlType::Q4_K, ActivationType::Q8_K, {scalar::gemm_q4_k, SPARSE_LLM_IF_AVX2(avx2::gemm_q4_k), nullptr}},
    {GgmlType::Q5_K, ActivationType::Q8_K, {scalar::gemm_q5_k, SPARSE_LLM_IF_AVX2(avx2::gemm_q5_k), nullptr}},
    {GgmlType::Q6_K, ActivationType::Q8_K, {scalar::gemm_q6_k, SPARSE_LLM_IF_AVX2(avx2::gemm_q6_k), nullptr}},
};

}  // namespace

const GemmKernels* gemm_kernels(GgmlType type) {
    for (const GemmKernels& k : kGemmKernels)
        if (k.type == type) return &k;
    return nullptr;
}

}  // namespace kernels
