#include "gguf/quant/quant.h"

#include <array>
#include <string>

#include "gguf/quant/formats.h"
#include "gguf/quant/quant_error.h"

namespace gguf {
namespace {

using namespace formats;

// The one place to add a format.
constexpr std::array<QuantTraits, 14> kQuantTraits = {{
    {GgmlType::F32, dequantize_row_f32, quantize_row_f32},
    {GgmlType::F16, dequantize_row_f16, quantize_row_f16},
    {GgmlType::BF16, dequantize_row_bf16, quantize_row_bf16},
    {GgmlType::Q4_0, dequantize_row_q4_0, quantize_row_q4_0},
    {GgmlType::Q4_1, dequantize_row_q4_1, quantize_row_q4_1},
    {GgmlType::Q5_0, dequantize_row_q5_0, quantize_row_q5_0},
    {GgmlType::Q5_1, dequantize_row_q5_1, quantize_row_q5_1},
    {GgmlType::Q8_0, dequantize_row_q8_0, quantize_row_q8_0},
    {GgmlType::Q2_K, dequantize_row_q2_k, quantize_row_q2_k},
    {GgmlType::Q3_K, dequantize_row_q3_k, quantize_row_q3_k},
    {GgmlType::Q4_K, dequantize_row_q4_k, quantize_row_q4_k},
    {GgmlType::Q5_K, dequantize_row_q5_k, quantize_row_q5_k},
    {GgmlType::Q6_K, dequantize_row_q6_k, quantize_row_q6_k},
    {GgmlType::Q8_K, dequantize_row_q8_k, quantize_row_q8_k},
}};

const QuantTraits& checked_traits(GgmlType type, int64_t n, const char* what) {
    const std::string type_name(ggml_type_name(type));
    const QuantTraits* traits = quant_traits(type);
    if (traits == nullptr)
        throw QuantError(std::string("cannot ") + what + " type " + type_name + ": unsupported quant format");
    const uint32_t block = ggml_type_info(type).block_elems;
    if (n < 0 || n % block != 0)
        throw QuantError(std::string("cannot ") + what + " " + std::to_string(n) + " elements of type " + type_name +
                         ": not a whole number of " + std::to_string(block) + "-element blocks");
    return *traits;
}

}  // namespace

const QuantTraits* quant_traits(GgmlType type) {
    for (const auto& traits : kQuantTraits)
        if (traits.type == type) return &traits;
    return nullptr;
}

void dequantize_row(GgmlType type, const void* src, float* dst, int64_t n) {
    checked_traits(type, n, "dequantize").dequantize_row(src, dst, n);
}

void quantize_row(GgmlType type, const float* src, void* dst, int64_t n) {
    checked_traits(type, n, "quantize").quantize_row(src, dst, n);
}

}  // namespace gguf
