#include "gguf/quant/quant.h"

#include <string>

#include "gguf/quant/quant_error.h"

namespace gguf {
namespace {

const GgmlTypeTraits& checked_traits(GgmlType type, int64_t n, const char* what) {
    const std::string type_name(ggml_type_name(type));
    const GgmlTypeTraits* traits = quant_traits(type);
    if (traits == nullptr)
        throw QuantError(std::string("cannot ") + what + " type " + type_name + ": unsupported quant format");
    const uint32_t block = traits->block_elems;
    if (n < 0 || n % block != 0)
        throw QuantError(std::string("cannot ") + what + " " + std::to_string(n) + " elements of type " + type_name +
                         ": not a whole number of " + std::to_string(block) + "-element blocks");
    return *traits;
}

}  // namespace

const GgmlTypeTraits* quant_traits(GgmlType type) {
    const GgmlTypeTraits& traits = ggml_type_info(type);
    return traits.dequantize_row && traits.quantize_row ? &traits : nullptr;
}

void dequantize_row(GgmlType type, const void* src, float* dst, int64_t n) {
    checked_traits(type, n, "dequantize").dequantize_row(src, dst, n);
}

void quantize_row(GgmlType type, const float* src, void* dst, int64_t n) {
    checked_traits(type, n, "quantize").quantize_row(src, dst, n);
}

}  // namespace gguf
