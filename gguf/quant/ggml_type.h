// ggml tensor types: ids as stored in GGUF files, and the one table that describes each of them.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace gguf {

// Values are the type ids of ggml.h; gaps are ids ggml has retired.
enum class GgmlType : uint32_t {
    F32 = 0, F16 = 1, Q4_0 = 2, Q4_1 = 3, Q5_0 = 6, Q5_1 = 7, Q8_0 = 8, Q8_1 = 9,
    Q2_K = 10, Q3_K = 11, Q4_K = 12, Q5_K = 13, Q6_K = 14, Q8_K = 15,
    IQ2_XXS = 16, IQ2_XS = 17, IQ3_XXS = 18, IQ1_S = 19, IQ4_NL = 20, IQ3_S = 21, IQ2_S = 22,
    IQ4_XS = 23, I8 = 24, I16 = 25, I32 = 26, I64 = 27, F64 = 28, IQ1_M = 29, BF16 = 30,
    TQ1_0 = 34, TQ2_0 = 35, MXFP4 = 39,
};

// Everything gguf/ knows of a type, as ggml's type_traits: one entry per type in ggml_type.cpp, the one place
// to add a format. The row functions take n elements, a whole number of blocks, and check nothing (they serve
// hot loops); both are nullptr for a type we cannot (de)quantize. quant.h has the checked entry points.
struct GgmlTypeTraits {
    GgmlType type;
    std::string_view name;   // as llama.cpp prints it: "f32", "q4_K", ...
    uint32_t block_elems;    // elements per block
    uint32_t block_bytes;    // bytes per block
    void (*dequantize_row)(const void* src, float* dst, int64_t n);
    void (*quantize_row)(const float* src, void* dst, int64_t n);
};

// The traits of a type id read from a file, or nullptr for an id ggml does not define.
const GgmlTypeTraits* ggml_type_info(uint32_t id);
// The traits of a known type.
const GgmlTypeTraits& ggml_type_info(GgmlType type);
std::string_view ggml_type_name(GgmlType type);
// Case-insensitive lookup by name ("q4_k", "Q4_K", "f16").
std::optional<GgmlType> ggml_type_from_name(std::string_view name);

// Bytes of one row of n elements; nothing when n is not a whole number of blocks or overflows.
std::optional<uint64_t> ggml_row_bytes(GgmlType type, uint64_t n);

}  // namespace gguf
