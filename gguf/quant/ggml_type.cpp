#include "gguf/quant/ggml_type.h"

#include <array>
#include <cctype>
#include <limits>

#include "gguf/quant/formats.h"

namespace gguf {
namespace {

using namespace formats;

// Every type ggml defines, in id order: geometry, and the (de)quantizers of the formats we support.
constexpr std::array<GgmlTypeTraits, 32> kTypes = {{
    {GgmlType::F32, "f32", 1, 4, dequantize_row_f32, quantize_row_f32},
    {GgmlType::F16, "f16", 1, 2, dequantize_row_f16, quantize_row_f16},
    {GgmlType::Q4_0, "q4_0", 32, 18, dequantize_row_q4_0, quantize_row_q4_0},
    {GgmlType::Q4_1, "q4_1", 32, 20, dequantize_row_q4_1, quantize_row_q4_1},
    {GgmlType::Q5_0, "q5_0", 32, 22, dequantize_row_q5_0, quantize_row_q5_0},
    {GgmlType::Q5_1, "q5_1", 32, 24, dequantize_row_q5_1, quantize_row_q5_1},
    {GgmlType::Q8_0, "q8_0", 32, 34, dequantize_row_q8_0, quantize_row_q8_0},
    {GgmlType::Q8_1, "q8_1", 32, 36, nullptr, nullptr},
    {GgmlType::Q2_K, "q2_K", 256, 84, dequantize_row_q2_k, quantize_row_q2_k},
    {GgmlType::Q3_K, "q3_K", 256, 110, dequantize_row_q3_k, quantize_row_q3_k},
    {GgmlType::Q4_K, "q4_K", 256, 144, dequantize_row_q4_k, quantize_row_q4_k},
    {GgmlType::Q5_K, "q5_K", 256, 176, dequantize_row_q5_k, quantize_row_q5_k},
    {GgmlType::Q6_K, "q6_K", 256, 210, dequantize_row_q6_k, quantize_row_q6_k},
    {GgmlType::Q8_K, "q8_K", 256, 292, dequantize_row_q8_k, quantize_row_q8_k},
    {GgmlType::IQ2_XXS, "iq2_xxs", 256, 66, nullptr, nullptr},
    {GgmlType::IQ2_XS, "iq2_xs", 256, 74, nullptr, nullptr},
    {GgmlType::IQ3_XXS, "iq3_xxs", 256, 98, nullptr, nullptr},
    {GgmlType::IQ1_S, "iq1_s", 256, 50, nullptr, nullptr},
    {GgmlType::IQ4_NL, "iq4_nl", 32, 18, nullptr, nullptr},
    {GgmlType::IQ3_S, "iq3_s", 256, 110, nullptr, nullptr},
    {GgmlType::IQ2_S, "iq2_s", 256, 82, nullptr, nullptr},
    {GgmlType::IQ4_XS, "iq4_xs", 256, 136, nullptr, nullptr},
    {GgmlType::I8, "i8", 1, 1, nullptr, nullptr},
    {GgmlType::I16, "i16", 1, 2, nullptr, nullptr},
    {GgmlType::I32, "i32", 1, 4, nullptr, nullptr},
    {GgmlType::I64, "i64", 1, 8, nullptr, nullptr},
    {GgmlType::F64, "f64", 1, 8, nullptr, nullptr},
    {GgmlType::IQ1_M, "iq1_m", 256, 56, nullptr, nullptr},
    {GgmlType::BF16, "bf16", 1, 2, dequantize_row_bf16, quantize_row_bf16},
    {GgmlType::TQ1_0, "tq1_0", 256, 54, nullptr, nullptr},
    {GgmlType::TQ2_0, "tq2_0", 256, 66, nullptr, nullptr},
    {GgmlType::MXFP4, "mxfp4", 32, 17, nullptr, nullptr},
}};

bool equal_ignoring_case(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (size_t i = 0; i < a.size(); ++i) {
        if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i])))
            return false;
    }
    return true;
}

}  // namespace

const GgmlTypeTraits* ggml_type_info(uint32_t id) {
    for (const auto& info : kTypes)
        if (static_cast<uint32_t>(info.type) == id) return &info;
    return nullptr;
}

const GgmlTypeTraits& ggml_type_info(GgmlType type) {
    for (const auto& info : kTypes)
        if (info.type == type) return info;
    return kTypes[0];  // unreachable for valid enum values
}

std::string_view ggml_type_name(GgmlType type) { return ggml_type_info(type).name; }

std::optional<GgmlType> ggml_type_from_name(std::string_view name) {
    for (const auto& info : kTypes)
        if (equal_ignoring_case(info.name, name)) return info.type;
    return std::nullopt;
}

std::optional<uint64_t> ggml_row_bytes(GgmlType type, uint64_t n) {
    const auto& info = ggml_type_info(type);
    if (n % info.block_elems != 0) return std::nullopt;
    const uint64_t blocks = n / info.block_elems;
    if (blocks > std::numeric_limits<uint64_t>::max() / info.block_bytes) return std::nullopt;
    return blocks * info.block_bytes;
}

}  // namespace gguf
