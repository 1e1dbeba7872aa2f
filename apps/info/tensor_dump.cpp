#include "apps/info/tensor_dump.h"

#include <algorithm>
#include <vector>

#include <fmt/format.h>

#include "apps/info/info_error.h"
#include "gguf/gguf_file.h"
#include "gguf/output_file.h"
#include "gguf/quant/quant.h"

namespace info {
namespace {

static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "dumps are little-endian float32 as in memory");

const gguf::GgmlTypeTraits& traits_of(const gguf::TensorInfo& tensor) {
    const gguf::GgmlTypeTraits* traits = gguf::quant_traits(tensor.type);
    if (traits == nullptr)
        throw Error(fmt::format("tensor '{}': cannot dequantize type {}", tensor.name,
                                gguf::ggml_type_name(tensor.type)));
    return *traits;
}

uint64_t row_bytes(const gguf::TensorInfo& tensor) { return tensor.n_bytes / tensor.rows(); }

}  // namespace

std::vector<float> first_values(const gguf::TensorInfo& tensor, size_t n) {
    std::vector<float> row(static_cast<size_t>(tensor.ne[0]));
    traits_of(tensor).dequantize_row(tensor.data, row.data(), static_cast<int64_t>(row.size()));
    row.resize(std::min(n, row.size()));
    return row;
}

void dump_tensor_f32(const gguf::TensorInfo& tensor, const std::string& path) {
    const gguf::GgmlTypeTraits& traits = traits_of(tensor);
    gguf::OutputFile file(path);
    std::vector<float> row(static_cast<size_t>(tensor.ne[0]));
    for (uint64_t r = 0; r < tensor.rows(); ++r) {
        traits.dequantize_row(tensor.data + r * row_bytes(tensor), row.data(), static_cast<int64_t>(row.size()));
        file.write(row.data(), row.size() * sizeof(float));
    }
    file.commit();
}

}  // namespace info
