// Which type each tensor of a model gets when it is quantized: llama.cpp's file types (llama_ftype) and its
// rules for choosing a tensor's type (llama_tensor_get_type in llama-quant.cpp): the default type of the file
// type; output.weight (and a tied token_embd.weight) in q6_K, or q8_0 when its rows do not fit; the *_S/*_M/*_L
// mixes' extra bits for attn_v, ffn_down and attn_output; and the fallback to a 32-element type (then f16) when a
// row is not a whole number of blocks. Norms and other 1-D tensors keep their type. Rules that only apply to
// other architectures (falcon, mixture-of-experts, 70B) or to importance-matrix quantization are left out.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "gguf/gguf_file.h"

namespace runtime {

// Values are llama.cpp's llama_ftype, stored in general.file_type.
enum class FileType : uint32_t {
    ALL_F32 = 0, MOSTLY_F16 = 1, MOSTLY_Q4_0 = 2, MOSTLY_Q4_1 = 3, MOSTLY_Q8_0 = 7, MOSTLY_Q5_0 = 8,
    MOSTLY_Q5_1 = 9, MOSTLY_Q2_K = 10, MOSTLY_Q3_K_S = 11, MOSTLY_Q3_K_M = 12, MOSTLY_Q3_K_L = 13,
    MOSTLY_Q4_K_S = 14, MOSTLY_Q4_K_M = 15, MOSTLY_Q5_K_S = 16, MOSTLY_Q5_K_M = 17, MOSTLY_Q6_K = 18,
    MOSTLY_BF16 = 32,
};

struct FileTypeInfo {
    FileType file_type;
    std::string_view name;       // as llama-quantize names it: "Q4_K_M"
    gguf::GgmlType default_type;  // the type of most weights
};

// By name, case-insensitively; as llama-quantize, "Q3_K", "Q4_K" and "Q5_K" are aliases of the _M mixes.
std::optional<FileTypeInfo> file_type_from_name(std::string_view name);
// Every name file_type_from_name accepts, for help texts.
std::vector<std::string_view> file_type_names();

struct TensorQuantization {
    const gguf::TensorInfo* tensor;
    gguf::GgmlType type;   // what it becomes (its own type when it is not quantized)
    bool fell_back;        // its row did not fit the type the rules chose
};

// The type of every tensor of `model`, in the order llama.cpp writes them: the tensors outside blk.N first,
// then layer by layer, by name within each.
// With `pure`, every quantizable tensor gets the default type (still subject to the fallback).
// Throws gguf::Error when the model lacks general.architecture or <arch>.block_count.
std::vector<TensorQuantization> plan_quantization(const gguf::File& model, const FileTypeInfo& file_type, bool pure);

}  // namespace runtime
