#include "gguf/gguf_writer.h"

#include <algorithm>
#include <cstring>
#include <limits>

#include <fmt/format.h>

#include "gguf/output_file.h"

namespace gguf {
namespace {

constexpr uint32_t kMagic = 0x46554747;  // "GGUF" as a little-endian u32
constexpr uint32_t kVersion = 3;
constexpr size_t kMaxNameBytes = 63;     // llama.cpp keeps names in char[64] with the terminating zero
constexpr uint32_t kMaxDims = 4;
constexpr uint8_t kZeros[256] = {};

uint64_t padding_to(uint64_t size, uint64_t alignment) { return (alignment - size % alignment) % alignment; }

[[noreturn]] void fail(const std::string& what) { throw Error("GGUF writer: " + what); }

// Appends to memory.
struct MemorySink {
    std::vector<uint8_t>& out;
    void write(const void* bytes, size_t n) {
        const auto* p = static_cast<const uint8_t*>(bytes);
        out.insert(out.end(), p, p + n);
    }
};

template <typename Sink>
void write_zeros(Sink& sink, uint64_t n) {
    while (n > 0) {
        const size_t chunk = static_cast<size_t>(std::min<uint64_t>(n, sizeof kZeros));
        sink.write(kZeros, chunk);
        n -= chunk;
    }
}

}  // namespace

void Writer::put_bytes(const void* bytes, size_t n) {
    const auto* p = static_cast<const uint8_t*>(bytes);
    metadata_.insert(metadata_.end(), p, p + n);
}

void Writer::put_string(std::string_view s) {
    put<uint64_t>(s.size());
    put_bytes(s.data(), s.size());
}

void Writer::begin_key(std::string_view key, ValueType type) {
    if (key.empty()) fail("metadata key is empty");
    if (!keys_.emplace(key).second) fail(fmt::format("metadata key '{}' added twice", key));
    put_string(key);
    put(static_cast<uint32_t>(type));
}

void Writer::add_scalar(std::string_view key, ValueType type, const void* value) {
    const bool sets_alignment = key == "general.alignment";
    uint32_t alignment = 0;
    if (sets_alignment) {
        if (type == ValueType::UINT32) std::memcpy(&alignment, value, sizeof alignment);
        if (alignment == 0 || (alignment & (alignment - 1)) != 0)
            fail(type == ValueType::UINT32
                     ? fmt::format("general.alignment must be a power of two, not {}", alignment)
                     : fmt::format("general.alignment must be a u32, not a {}", value_type_name(type)));
    }
    begin_key(key, type);
    put_bytes(value, value_type_size(type));
    if (sets_alignment) alignment_ = alignment;
}

void Writer::add_string(std::string_view key, std::string_view value) {
    begin_key(key, ValueType::STRING);
    put_string(value);
}

void Writer::begin_array(std::string_view key, ValueType element, uint64_t count) {
    begin_key(key, ValueType::ARRAY);
    put(static_cast<uint32_t>(element));
    put<uint64_t>(count);
}

void Writer::add_array(std::string_view key, ValueType element, const void* elements, uint64_t count) {
    const size_t element_size = value_type_size(element);
    if (element_size == 0)
        fail(fmt::format("metadata '{}': add_array takes numeric or bool elements, not {}", key,
                         value_type_name(element)));
    begin_array(key, element, count);
    put_bytes(elements, static_cast<size_t>(count) * element_size);
}

void Writer::add_value(std::string_view key, const Value& value) {
    switch (value.type) {
        case ValueType::STRING: add_string(key, value.string); return;
        case ValueType::ARRAY:
            if (value.element_type == ValueType::STRING) add_string_array(key, value.strings);
            else add_array(key, value.element_type, value.raw, value.count);
            return;
        default: add_scalar(key, value.type, value.raw); return;
    }
}

void Writer::add_tensor(std::string_view name, GgmlType type, const std::vector<uint64_t>& shape, const void* data) {
    if (data == nullptr) fail(fmt::format("tensor '{}' has no data", name));
    add_tensor_info(name, type, shape, data, nullptr);
}

void Writer::add_tensor(std::string_view name, GgmlType type, const std::vector<uint64_t>& shape, FillTensor fill) {
    if (!fill) fail(fmt::format("tensor '{}' has no data", name));
    add_tensor_info(name, type, shape, nullptr, std::move(fill));
}

void Writer::add_tensor_info(std::string_view name, GgmlType type, const std::vector<uint64_t>& shape,
                             const void* data, FillTensor fill) {
    if (name.empty() || name.size() > kMaxNameBytes)
        fail(fmt::format("tensor name '{}' must be 1 to {} bytes long", name, kMaxNameBytes));
    if (shape.empty() || shape.size() > kMaxDims)
        fail(fmt::format("tensor '{}' has {} dimensions (1 to {} are supported)", name, shape.size(), kMaxDims));
    uint64_t n_elements = 1;
    for (const uint64_t ne : shape) {
        if (ne == 0 || ne > static_cast<uint64_t>(std::numeric_limits<int64_t>::max()) / n_elements)
            fail(fmt::format("tensor '{}' has shape [{}]: a zero or overflowing dimension", name, fmt::join(shape, ", ")));
        n_elements *= ne;
    }
    const auto row_bytes = ggml_row_bytes(type, shape[0]);
    const uint64_t rows = n_elements / shape[0];
    if (!row_bytes)
        fail(fmt::format("tensor '{}': rows of {} elements are not whole {} blocks of {}", name, shape[0],
                         ggml_type_name(type), ggml_type_info(type).block_elems));
    if (rows > std::numeric_limits<size_t>::max() / *row_bytes)
        fail(fmt::format("tensor '{}' of shape [{}] is too large", name, fmt::join(shape, ", ")));
    if (!tensor_names_.emplace(name).second) fail(fmt::format("tensor '{}' added twice", name));
    tensors_.push_back({std::string(name), type, shape, *row_bytes * rows, data, std::move(fill)});
}

template <typename Sink>
void Writer::emit(Sink& sink) const {
    uint64_t written = 0;
    const auto out = [&](const void* bytes, size_t n) {
        sink.write(bytes, n);
        written += n;
    };
    const auto out_u32 = [&](uint32_t v) { out(&v, sizeof v); };
    const auto out_u64 = [&](uint64_t v) { out(&v, sizeof v); };
    const auto pad = [&] {
        const uint64_t n = padding_to(written, alignment_);
        write_zeros(sink, n);
        written += n;
    };

    out_u32(kMagic);
    out_u32(kVersion);
    out_u64(tensors_.size());
    out_u64(keys_.size());
    out(metadata_.data(), metadata_.size());

    uint64_t offset = 0;
    for (const auto& t : tensors_) {
        out_u64(t.name.size());
        out(t.name.data(), t.name.size());
        out_u32(static_cast<uint32_t>(t.shape.size()));
        for (const uint64_t ne : t.shape) out_u64(ne);
        out_u32(static_cast<uint32_t>(t.type));
        out_u64(offset);
        const uint64_t padded = t.n_bytes + padding_to(t.n_bytes, alignment_);
        if (offset > std::numeric_limits<uint64_t>::max() - padded) fail("the tensor data exceeds 2^64 bytes");
        offset += padded;
    }
    if (tensors_.empty()) return;
    pad();

    std::vector<uint8_t> filled;
    for (const auto& t : tensors_) {
        if (t.data != nullptr) {
            out(t.data, static_cast<size_t>(t.n_bytes));
        } else {
            filled.resize(static_cast<size_t>(t.n_bytes));
            t.fill(filled.data(), filled.size());
            out(filled.data(), filled.size());
        }
        pad();
    }
}

std::vector<uint8_t> Writer::to_bytes() const {
    std::vector<uint8_t> out;
    MemorySink sink{out};
    emit(sink);
    return out;
}

void Writer::write(const std::string& path) const {
    OutputFile file(path);
    emit(file);
    file.commit();
}

}  // namespace gguf
