#include "kernels/matmul/gemm_kernels.h"

#include <array>

#include "gguf/quant/blocks.h"

namespace kernels {
namespace {

using gguf::GgmlType;

struct TypeEntry {
    GgmlType type;
    ActivationType activation;
    int block_elems;
    int block_bytes;
};

// The weight types we multiply, their activation form (llama.cpp's vec_dot_type, except that q4_1 / q5_1
// take q8_0 and sum its values on the fly instead of q8_1's rounded f16 sum) and block geometry.
constexpr std::array<TypeEntry, 13> kTypes{{
    {GgmlType::F32, ActivationType::F32, 1, 4},
    {GgmlType::F16, ActivationType::F32, 1, 2},
    {GgmlType::BF16, ActivationType::F32, 1, 2},
    {GgmlType::Q4_0, ActivationType::Q8_0, 32, sizeof(gguf::BlockQ4_0)},
    {GgmlType::Q4_1, ActivationType::Q8_0, 32, sizeof(gguf::BlockQ4_1)},
    {GgmlType::Q5_0, ActivationType::Q8_0, 32, sizeof(gguf::BlockQ5_0)},
    {GgmlType::Q5_1, ActivationType::Q8_0, 32, sizeof(gguf::BlockQ5_1)},
    {GgmlType::Q8_0, ActivationType::Q8_0, 32, sizeof(gguf::BlockQ8_0)},
    {GgmlType::Q2_K, ActivationType::Q8_K, 256, sizeof(gguf::BlockQ2_K)},
    {GgmlType::Q3_K, ActivationType::Q8_K, 256, sizeof(gguf::BlockQ3_K)},
    {GgmlType::Q4_K, ActivationType::Q8_K, 256, sizeof(gguf::BlockQ4_K)},
    {GgmlType::Q5_K, ActivationType::Q8_K, 256, sizeof(gguf::BlockQ5_K)},
    {GgmlType::Q6_K, ActivationType::Q8_K, 256, sizeof(gguf::BlockQ6_K)},
}};

std::array<GemmKernels, kTypes.size()> build_table() {
    std::array<GemmKernels, kTypes.size()> table{};
    for (size_t i = 0; i < kTypes.size(); ++i) {
        const TypeEntry& e = kTypes[i];
        GemmRowsFn simd = gemm_rows_avx2(e.type);
        const char* simd_name = "avx2";
        if (!simd) {
            simd = gemm_rows_scalar(e.type);
            simd_name = "scalar";
        }
        table[i] = {e.type, e.activation, e.block_elems, e.block_bytes, gemm_rows_scalar(e.type), simd, simd_name};
    }
    return table;
}

}  // namespace

const GemmKernels* gemm_kernels(GgmlType type) {
    static const auto table = build_table();
    for (const GemmKernels& k : table)
        if (k.type == type) return &k;
    return nullptr;
}

}  // namespace kernels
