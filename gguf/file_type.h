// llama.cpp's file types (llama_ftype): what `general.file_type` records about a model's weights, by the name
// llama-quantize gives it ("Q4_K_M") and the type most of the weights have.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "gguf/quant/ggml_type.h"

namespace gguf {

// Values are llama.cpp's llama_ftype, stored in general.file_type.
enum class FileType : uint32_t {
    ALL_F32 = 0, MOSTLY_F16 = 1, MOSTLY_Q4_0 = 2, MOSTLY_Q4_1 = 3, MOSTLY_Q8_0 = 7, MOSTLY_Q5_0 = 8,
    MOSTLY_Q5_1 = 9, MOSTLY_Q2_K = 10, MOSTLY_Q3_K_S = 11, MOSTLY_Q3_K_M = 12, MOSTLY_Q3_K_L = 13,
    MOSTLY_Q4_K_S = 14, MOSTLY_Q4_K_M = 15, MOSTLY_Q5_K_S = 16, MOSTLY_Q5_K_M = 17, MOSTLY_Q6_K = 18,
    MOSTLY_BF16 = 32,
};

struct FileTypeInfo {
    FileType file_type;
    std::string_view name;  // as llama-quantize names it: "Q4_K_M"
    GgmlType default_type;  // the type of most weights
};

// By name, case-insensitively; as llama-quantize, "Q3_K", "Q4_K" and "Q5_K" are aliases of the _M mixes.
std::optional<FileTypeInfo> file_type_from_name(std::string_view name);
// By the number in general.file_type, with its full name ("Q4_K_M", not the alias "Q4_K").
std::optional<FileTypeInfo> file_type_from_id(uint64_t id);
// Every name file_type_from_name accepts, for help texts.
std::vector<std::string_view> file_type_names();

}  // namespace gguf
