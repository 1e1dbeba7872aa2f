#include "gguf/file_type.h"

#include <algorithm>
#include <array>
#include <cctype>

namespace gguf {
namespace {

// An alias stands before the name it stands for.
constexpr std::array<FileTypeInfo, 20> kFileTypes = {{
    {FileType::ALL_F32, "F32", GgmlType::F32},
    {FileType::MOSTLY_F16, "F16", GgmlType::F16},
    {FileType::MOSTLY_BF16, "BF16", GgmlType::BF16},
    {FileType::MOSTLY_Q4_0, "Q4_0", GgmlType::Q4_0},
    {FileType::MOSTLY_Q4_1, "Q4_1", GgmlType::Q4_1},
    {FileType::MOSTLY_Q5_0, "Q5_0", GgmlType::Q5_0},
    {FileType::MOSTLY_Q5_1, "Q5_1", GgmlType::Q5_1},
    {FileType::MOSTLY_Q8_0, "Q8_0", GgmlType::Q8_0},
    {FileType::MOSTLY_Q2_K, "Q2_K", GgmlType::Q2_K},
    {FileType::MOSTLY_Q3_K_M, "Q3_K", GgmlType::Q3_K},
    {FileType::MOSTLY_Q3_K_S, "Q3_K_S", GgmlType::Q3_K},
    {FileType::MOSTLY_Q3_K_M, "Q3_K_M", GgmlType::Q3_K},
    {FileType::MOSTLY_Q3_K_L, "Q3_K_L", GgmlType::Q3_K},
    {FileType::MOSTLY_Q4_K_M, "Q4_K", GgmlType::Q4_K},
    {FileType::MOSTLY_Q4_K_S, "Q4_K_S", GgmlType::Q4_K},
    {FileType::MOSTLY_Q4_K_M, "Q4_K_M", GgmlType::Q4_K},
    {FileType::MOSTLY_Q5_K_M, "Q5_K", GgmlType::Q5_K},
    {FileType::MOSTLY_Q5_K_S, "Q5_K_S", GgmlType::Q5_K},
    {FileType::MOSTLY_Q5_K_M, "Q5_K_M", GgmlType::Q5_K},
    {FileType::MOSTLY_Q6_K, "Q6_K", GgmlType::Q6_K},
}};

bool equal_ignoring_case(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
           });
}

}  // namespace

std::optional<FileTypeInfo> file_type_from_name(std::string_view name) {
    for (const auto& info : kFileTypes)
        if (equal_ignoring_case(info.name, name)) return info;
    return std::nullopt;
}

std::optional<FileTypeInfo> file_type_from_id(uint64_t id) {
    std::optional<FileTypeInfo> found;
    for (const auto& info : kFileTypes)
        if (static_cast<uint64_t>(info.file_type) == id) found = info;  // the last: the full name
    return found;
}

std::vector<std::string_view> file_type_names() {
    std::vector<std::string_view> names;
    for (const auto& info : kFileTypes) names.push_back(info.name);
    return names;
}

}  // namespace gguf
