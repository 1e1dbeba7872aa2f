#include "gguf/quant.h"

#include <array>

#include <fmt/format.h>

#include "gguf/gguf_error.h"
#include "gguf/gguf_file.h"
#include "gguf/quant_formats.h"

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
    const QuantTraits* traits = quant_traits(type);
    if (traits == nullptr)
        throw Error(fmt::format("cannot {} type {}: unsupported quant format", what, ggml_type_name(type)));
    const uint32_t block = ggml_type_info(type).block_elems;
    if (n < 0 || n % block != 0)
        throw Error(fmt::format("cannot {} {} elements of type {}: not a whole number of {}-element blocks", what,
                                n, ggml_type_name(type), block));
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

void dequantize_tensor(const TensorInfo& tensor, float* dst) {
    const QuantTraits* traits = quant_traits(tensor.type);
    if (traits == nullptr)
        throw Error(fmt::format("tensor '{}': cannot dequantize type {}", tensor.name, ggml_type_name(tensor.type)));
    if (tensor.ne[0] % ggml_type_info(tensor.type).block_elems != 0)
        throw Error(fmt::format("tensor '{}': row of {} elements is not a whole number of {} blocks", tensor.name,
                                tensor.ne[0], ggml_type_name(tensor.type)));
    // Rows are contiguous whole blocks, so the tensor is one long row.
    traits->dequantize_row(tensor.data, dst, static_cast<int64_t>(tensor.n_elements));
}

}  // namespace gguf
