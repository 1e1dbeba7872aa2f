#pragma once

#include "gguf/gguf_file.h"

namespace gguf {

// A whole tensor (tensor.n_elements floats into dst), row by row. Throws gguf::Error naming the tensor when its
// type cannot be dequantized. For tests and tools; never for a whole model at run time.
void dequantize_tensor(const TensorInfo& tensor, float* dst);

}  // namespace gguf
