// GGUF v2/v3 reader: header, metadata and tensor table of a little-endian GGUF file,
// every count, length and offset bounds-checked before use. Tensor data is not copied:
// TensorInfo::data points into the mapped file.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "gguf/gguf_error.h"
#include "gguf/quant/ggml_type.h"

namespace gguf {

class MappedFile;

enum class ValueType : uint32_t {
    UINT8 = 0, INT8 = 1, UINT16 = 2, INT16 = 3, UINT32 = 4, INT32 = 5, FLOAT32 = 6,
    BOOL = 7, STRING = 8, ARRAY = 9, UINT64 = 10, INT64 = 11, FLOAT64 = 12,
};
std::string_view value_type_name(ValueType type);
// Bytes of one scalar of this type; 0 for STRING and ARRAY.
size_t value_type_size(ValueType type);

// One metadata value. Scalars and numeric arrays keep their little-endian bytes in the file.
struct Value {
    ValueType type = ValueType::UINT8;
    ValueType element_type = ValueType::UINT8;  // arrays only
    uint64_t count = 0;                          // arrays only: number of elements
    const uint8_t* raw = nullptr;                // scalar bytes, or the first element of a numeric array
    std::string_view string;                     // STRING
    std::vector<std::string_view> strings;       // ARRAY of STRING
    uint64_t offset = 0;                         // byte offset of the value in the file

    bool is_integer() const;
    bool is_array_of(ValueType element) const { return type == ValueType::ARRAY && element_type == element; }
    // Numeric element i (scalars: i = 0) converted to the requested kind; the caller checks the type.
    uint64_t as_uint(uint64_t i = 0) const;
    int64_t as_int(uint64_t i = 0) const;
    double as_double(uint64_t i = 0) const;
};

struct TensorInfo {
    std::string_view name;
    uint32_t n_dims = 0;
    std::array<uint64_t, 4> ne{1, 1, 1, 1};  // ne[0] is the row length (contiguous); unused dims are 1
    GgmlType type = GgmlType::F32;
    uint64_t offset = 0;                      // relative to the data section
    uint64_t n_elements = 0;
    uint64_t n_bytes = 0;
    const uint8_t* data = nullptr;            // into the mapped file

    uint64_t rows() const { return n_elements / ne[0]; }
};

// Truncation lengths [first, end) of a file, all rejected by File::parse with the same `error`.
struct TruncationRange {
    uint64_t first = 0;
    uint64_t end = 0;
    std::string error;
};
using TruncationVisitor = std::function<void(const TruncationRange&)>;

class File {
public:
    // Maps and parses a file. Throws gguf::Error with one line naming the file, field and byte offset.
    static File open(const std::string& path);
    // Parses bytes owned by the caller, who keeps them alive as long as the File; `source` names them in errors.
    static File parse(const uint8_t* data, size_t size, std::string source);

    // What File::parse does with every prefix of a file, in one pass (for tests and fuzzing). The parser reads
    // front to back and compares with the input's length only through one check, "the input reaches byte E",
    // so a prefix of length L fails at the first check whose E exceeds L. Running the checks of the whole file
    // in order, with the length raised to each failing E, visits every rejected length once: `visit` gets the
    // ranges in order, together covering [0, returned length); the returned length, the shortest prefix that
    // parses, is where the last tensor's data ends (the metadata's end in files without tensors). Throws what
    // File::parse throws when the whole file is invalid.
    static uint64_t sweep_truncations(const uint8_t* data, size_t size, const std::string& source,
                                      const TruncationVisitor& visit);

    uint32_t version() const { return version_; }
    uint64_t alignment() const { return alignment_; }
    uint64_t data_offset() const { return data_offset_; }
    size_t file_size() const { return size_; }
    const std::string& source() const { return source_; }

    // Metadata in file order.
    const std::vector<std::pair<std::string_view, Value>>& metadata() const { return metadata_; }
    const Value* find(std::string_view key) const;
    bool has(std::string_view key) const { return find(key) != nullptr; }

    // Typed getters: throw gguf::Error naming the key and the expected and actual type when it is missing
    // or of another type. Integer getters accept any integer type whose value fits.
    std::string_view get_string(std::string_view key) const;
    uint64_t get_uint(std::string_view key) const;
    int64_t get_int(std::string_view key) const;
    double get_float(std::string_view key) const;
    bool get_bool(std::string_view key) const;
    const std::vector<std::string_view>& get_string_array(std::string_view key) const;
    std::vector<float> get_float_array(std::string_view key) const;
    std::vector<int64_t> get_int_array(std::string_view key) const;

    uint64_t get_uint_or(std::string_view key, uint64_t fallback) const { return has(key) ? get_uint(key) : fallback; }
    double get_float_or(std::string_view key, double fallback) const { return has(key) ? get_float(key) : fallback; }
    bool get_bool_or(std::string_view key, bool fallback) const { return has(key) ? get_bool(key) : fallback; }
    std::string_view get_string_or(std::string_view key, std::string_view fallback) const {
        return has(key) ? get_string(key) : fallback;
    }

    // Tensor table in file order.
    const std::vector<TensorInfo>& tensors() const { return tensors_; }
    const TensorInfo* find_tensor(std::string_view name) const;
    // Throws gguf::Error "tensor 'name' not found" when absent.
    const TensorInfo& tensor(std::string_view name) const;
    // For passes that read each tensor once (quantize): takes a mapped file's tensor out of resident memory
    // (read back from the file if touched again), so the whole file is never resident at once. No-op for
    // File::parse bytes.
    void release(const TensorInfo& tensor) const;

private:
    friend class Parser;  // gguf_parser.cpp fills in everything below

    File() = default;
    const Value& require(std::string_view key, std::string_view expected) const;
    [[noreturn]] void type_error(std::string_view key, const Value& value, std::string_view expected) const;

    std::shared_ptr<const MappedFile> mapping_;
    const uint8_t* data_ = nullptr;
    size_t size_ = 0;
    std::string source_;
    uint32_t version_ = 0;
    uint64_t alignment_ = 32;
    uint64_t data_offset_ = 0;
    std::vector<std::pair<std::string_view, Value>> metadata_;
    std::map<std::string_view, size_t, std::less<>> metadata_index_;
    std::vector<TensorInfo> tensors_;
    std::map<std::string_view, size_t, std::less<>> tensor_index_;
};

}  // namespace gguf
