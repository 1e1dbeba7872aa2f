#include <algorithm>
#include <cstring>
#include <vector>

#include "fuzz/targets/targets.h"
#include "gguf/quant/quant.h"

namespace fuzz {

void run_dequantize(const uint8_t* data, size_t size) {
    if (size < 1) return;
    const gguf::GgmlTypeTraits* type = gguf::ggml_type_info(data[0]);
    if (!type || !gguf::quant_traits(type->type)) return;
    constexpr size_t kMaxBlocks = 64;
    const size_t blocks = std::min((size - 1) / type->block_bytes, kMaxBlocks);
    if (blocks == 0) return;
    // blocks as a file holds them: aligned (GGUF aligns tensor data to 32 bytes; malloc gives 16)
    std::vector<uint8_t> aligned(data + 1, data + 1 + blocks * type->block_bytes);
    std::vector<float> out(blocks * type->block_elems);
    gguf::dequantize_row(type->type, aligned.data(), out.data(), static_cast<int64_t>(out.size()));
}

}  // namespace fuzz
