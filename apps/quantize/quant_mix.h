// Which type each tensor of a model gets when it is quantized to one of llama.cpp's file types
// (gguf/file_type.h), by llama.cpp's rules for choosing a tensor's type (llama_tensor_get_type in
// llama-quant.cpp): the default type of the file type; output.weight (and a tied token_embd.weight) in q6_K, or q8_0 when its rows do not fit; the *_S/*_M/*_L
// mixes' extra bits for attn_v, ffn_down and attn_output; and the fallback to a 32-element type (then f16) when a
// row is not a whole number of blocks. Norms and other 1-D tensors keep their type. Rules that only apply to
// other architectures (falcon, mixture-of-experts, 70B) or to importance-matrix quantization are left out.
#pragma once

#include <string_view>
#include <vector>

#include "gguf/file_type.h"
#include "gguf/gguf_file.h"

namespace quantize {

struct TensorQuantization {
    const gguf::TensorInfo* tensor;
    gguf::GgmlType type;   // what it becomes (its own type when it is not quantized)
    bool fell_back;        // its row did not fit the type the rules chose
};

// The type of every tensor of `model`, in the order llama.cpp writes them: the tensors outside blk.N first,
// then layer by layer, by name within each.
// With `pure`, every quantizable tensor gets the default type (still subject to the fallback).
// Throws gguf::Error when the model lacks general.architecture or <arch>.block_count.
std::vector<TensorQuantization> plan_quantization(const gguf::File& model, const gguf::FileTypeInfo& file_type, bool pure);

}  // namespace quantize
