#include "gguf/dequantize_tensor.h"

#include <fmt/format.h>

#include "gguf/gguf_error.h"
#include "gguf/quant/quant.h"

namespace gguf {

void dequantize_tensor(const TensorInfo& tensor, float* dst) {
    const GgmlTypeTraits* traits = quant_traits(tensor.type);
    if (traits == nullptr)
        throw Error(fmt::format("tensor '{}': cannot dequantize type {}", tensor.name, ggml_type_name(tensor.type)));
    if (tensor.ne[0] % ggml_type_info(tensor.type).block_elems != 0)
        throw Error(fmt::format("tensor '{}': row of {} elements is not a whole number of {} blocks", tensor.name,
                                tensor.ne[0], ggml_type_name(tensor.type)));
    // Rows are contiguous whole blocks, so the tensor is one long row.
    traits->dequantize_row(tensor.data, dst, static_cast<int64_t>(tensor.n_elements));
}

}  // namespace gguf
