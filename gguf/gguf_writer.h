// GGUF v3 writer. Files come out laid out as llama.cpp's gguf writer lays them out: the header, the metadata in
// the order added, the tensor infos in the order added (each offset the running sum of the padded sizes before
// it), zero padding to the alignment, then each tensor's bytes followed by zero padding to the alignment.
// One difference: a file without tensors ends right after its metadata (as gguf-py's vocab-only files do) where
// llama.cpp would pad; readers, ours and llama.cpp's, accept both.
//
//   gguf::Writer w;
//   w.add_string("general.architecture", "llama");
//   w.add_u32("llama.block_count", 2);
//   w.add_string_array("tokenizer.ggml.tokens", tokens);
//   w.add_tensor("output_norm.weight", gguf::GgmlType::F32, {256}, norm.data());
//   w.write("model.gguf");
#pragma once

#include <cstdint>
#include <functional>
#include <set>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "gguf/gguf_error.h"
#include "gguf/gguf_file.h"
#include "gguf/quant/ggml_type.h"

namespace gguf {

class Writer {
public:
    // Writes exactly `n_bytes` of one tensor's data into `dst`; called once, while the file is written.
    using FillTensor = std::function<void(uint8_t* dst, size_t n_bytes)>;

    // Metadata. Keys must be non-empty and unique (gguf::Error otherwise). `general.alignment` must be a u32
    // power of two; it sets the alignment of the data section and of every tensor (default 32).
    void add_u8(std::string_view key, uint8_t value) { add_scalar(key, ValueType::UINT8, &value); }
    void add_i8(std::string_view key, int8_t value) { add_scalar(key, ValueType::INT8, &value); }
    void add_u16(std::string_view key, uint16_t value) { add_scalar(key, ValueType::UINT16, &value); }
    void add_i16(std::string_view key, int16_t value) { add_scalar(key, ValueType::INT16, &value); }
    void add_u32(std::string_view key, uint32_t value) { add_scalar(key, ValueType::UINT32, &value); }
    void add_i32(std::string_view key, int32_t value) { add_scalar(key, ValueType::INT32, &value); }
    void add_u64(std::string_view key, uint64_t value) { add_scalar(key, ValueType::UINT64, &value); }
    void add_i64(std::string_view key, int64_t value) { add_scalar(key, ValueType::INT64, &value); }
    void add_f32(std::string_view key, float value) { add_scalar(key, ValueType::FLOAT32, &value); }
    void add_f64(std::string_view key, double value) { add_scalar(key, ValueType::FLOAT64, &value); }
    void add_bool(std::string_view key, bool value) {
        const uint8_t byte = value ? 1 : 0;
        add_scalar(key, ValueType::BOOL, &byte);
    }
    void add_string(std::string_view key, std::string_view value);

    // An array of `count` numeric (or bool) elements of type `element`, little-endian, back to back at `elements`.
    void add_array(std::string_view key, ValueType element, const void* elements, uint64_t count);
    template <typename T>
    void add_array(std::string_view key, const std::vector<T>& values) {
        add_array(key, value_type_of<T>(), values.data(), values.size());
    }
    // Strings: any container of std::string or std::string_view.
    template <typename Strings>
    void add_string_array(std::string_view key, const Strings& values) {
        begin_array(key, ValueType::STRING, values.size());
        for (const auto& s : values) put_string(std::string_view(s));
    }

    // A value read from another file, with its type kept exactly (for copying metadata).
    void add_value(std::string_view key, const Value& value);

    // A tensor of the given shape (1 to 4 dims, ne[0] first, as the reader's TensorInfo::ne); its bytes are the
    // n_bytes that type and shape require (ggml_row_bytes(type, ne[0]) * rows). Names are unique and shorter
    // than 64 bytes (llama.cpp's limit). `data` must stay valid until the file is written.
    void add_tensor(std::string_view name, GgmlType type, const std::vector<uint64_t>& shape, const void* data);
    // The same with the bytes produced while writing, one tensor at a time (e.g. quantized on the fly).
    void add_tensor(std::string_view name, GgmlType type, const std::vector<uint64_t>& shape, FillTensor fill);

    uint64_t alignment() const { return alignment_; }
    size_t tensor_count() const { return tensors_.size(); }
    size_t metadata_count() const { return keys_.size(); }

    // The whole file in memory.
    std::vector<uint8_t> to_bytes() const;
    // Writes the file whole or not at all (gguf::OutputFile); throws gguf::Error naming the path when it cannot
    // be created or written, leaving what was there before.
    void write(const std::string& path) const;

private:
    struct PendingTensor {
        std::string name;
        GgmlType type;
        std::vector<uint64_t> shape;
        uint64_t n_bytes;
        const void* data;  // or, when null, fill
        FillTensor fill;
    };

    template <typename T>
    static constexpr ValueType value_type_of();

    void add_scalar(std::string_view key, ValueType type, const void* value);
    void begin_key(std::string_view key, ValueType type);
    void begin_array(std::string_view key, ValueType element, uint64_t count);
    void put_string(std::string_view s);
    void put_bytes(const void* bytes, size_t n);
    template <typename T>
    void put(T value) {
        put_bytes(&value, sizeof value);
    }
    void add_tensor_info(std::string_view name, GgmlType type, const std::vector<uint64_t>& shape, const void* data,
                         FillTensor fill);
    template <typename Sink>
    void emit(Sink& sink) const;

    std::vector<uint8_t> metadata_;  // the serialized key-value pairs, in the order added
    std::set<std::string, std::less<>> keys_;
    std::vector<PendingTensor> tensors_;
    std::set<std::string, std::less<>> tensor_names_;
    uint64_t alignment_ = 32;
};

template <typename T>
constexpr ValueType Writer::value_type_of() {
    if constexpr (std::is_same_v<T, uint8_t>) return ValueType::UINT8;
    else if constexpr (std::is_same_v<T, int8_t>) return ValueType::INT8;
    else if constexpr (std::is_same_v<T, uint16_t>) return ValueType::UINT16;
    else if constexpr (std::is_same_v<T, int16_t>) return ValueType::INT16;
    else if constexpr (std::is_same_v<T, uint32_t>) return ValueType::UINT32;
    else if constexpr (std::is_same_v<T, int32_t>) return ValueType::INT32;
    else if constexpr (std::is_same_v<T, uint64_t>) return ValueType::UINT64;
    else if constexpr (std::is_same_v<T, int64_t>) return ValueType::INT64;
    else if constexpr (std::is_same_v<T, float>) return ValueType::FLOAT32;
    else if constexpr (std::is_same_v<T, double>) return ValueType::FLOAT64;
    else static_assert(sizeof(T) == 0, "no GGUF value type for this element type (bool arrays: use the raw overload)");
}

}  // namespace gguf
