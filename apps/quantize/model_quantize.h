// Quantizing a GGUF model file as llama.cpp's `llama-quantize` does (without an importance matrix): the types
// of apps/quantize/quant_mix.h, the reference quantizers of gguf/quant/quant.h, tensors in llama.cpp's order, metadata copied with
// general.quantization_version and general.file_type set last. For the types it writes, the output matches
// llama.cpp's byte for byte. Any input type we can dequantize is accepted (llama.cpp needs
// --allow-requantize for quantized inputs); tensors that keep their type are copied unchanged.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "apps/quantize/quant_mix.h"

namespace quantize {

struct QuantizeRequest {
    std::string input, output;
    gguf::FileTypeInfo file_type;
    bool pure = false;     // every quantizable tensor in the default type (llama-quantize --pure)
    unsigned threads = 1;  // rows are quantized in parallel; the output does not depend on it
};

struct QuantizedTensor {
    std::string name;
    std::vector<uint64_t> shape;
    gguf::GgmlType from, to;
    bool fell_back;  // its row width did not fit the type the rules chose
    uint64_t bytes_in, bytes_out;
};

// Writes request.output; returns what happened to each tensor, in file order. Throws quantize::Error (naming
// the file, tensor and reason) on a tensor type we cannot convert, non-finite weights, or an output path that
// is the input itself, and gguf::Error on an input it cannot read or an output it cannot write; a partly
// written output is removed.
std::vector<QuantizedTensor> quantize_model(const QuantizeRequest& request);

}  // namespace quantize
