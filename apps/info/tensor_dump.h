// A tensor's values as float32, for inspection: its first values, or all of them streamed to a file.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace gguf {
struct TensorInfo;
}

namespace info {

// Up to `n` values from the start of row 0. Throws info::Error naming the tensor when its type cannot be
// dequantized.
std::vector<float> first_values(const gguf::TensorInfo& tensor, size_t n);

// Writes the tensor dequantized as raw little-endian float32 in memory order (ne[0] fastest), one row in
// memory at a time. Throws info::Error naming the tensor (a type we cannot dequantize; nothing is written), or
// gguf::Error (from gguf::OutputFile) naming the path (cannot create or write it; what was there before is
// left as it was).
void dump_tensor_f32(const gguf::TensorInfo& tensor, const std::string& path);

}  // namespace info
