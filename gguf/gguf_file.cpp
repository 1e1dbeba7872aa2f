#include "gguf/gguf_file.h"

#include <algorithm>
#include <cstring>
#include <limits>

#include <fmt/format.h>

#include "gguf/mapped_file.h"

static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "the GGUF reader assumes a little-endian host");

namespace gguf {
namespace {

constexpr uint32_t kMagic = 0x46554747;  // "GGUF" read as a little-endian u32
constexpr uint32_t kMaxDims = 4;
constexpr uint64_t kDefaultAlignment = 32;

}  // namespace

size_t value_type_size(ValueType type) {
    switch (type) {
        case ValueType::UINT8: case ValueType::INT8: case ValueType::BOOL: return 1;
        case ValueType::UINT16: case ValueType::INT16: return 2;
        case ValueType::UINT32: case ValueType::INT32: case ValueType::FLOAT32: return 4;
        case ValueType::UINT64: case ValueType::INT64: case ValueType::FLOAT64: return 8;
        case ValueType::STRING: case ValueType::ARRAY: return 0;
    }
    return 0;
}

namespace {

bool known_value_type(uint32_t id) { return id <= static_cast<uint32_t>(ValueType::FLOAT64); }

template <typename T>
T load(const uint8_t* p) {
    T value;
    std::memcpy(&value, p, sizeof value);
    return value;
}

// Reads the file front to back; every read is bounds-checked and fails naming the field and its offset.
class Cursor {
public:
    Cursor(const uint8_t* data, size_t size, const std::string& source) : data_(data), size_(size), source_(source) {}

    size_t pos() const { return pos_; }
    size_t remaining() const { return size_ - pos_; }
    const uint8_t* here() const { return data_ + pos_; }

    [[noreturn]] void fail(std::string_view field, size_t at, std::string_view problem) const {
        throw Error(fmt::format("{}: {} at byte {}: {}", source_, field, at, problem));
    }

    void need(uint64_t bytes, std::string_view field) const {
        if (bytes > remaining())
            fail(field, pos_, fmt::format("needs {} bytes but the file ends at byte {} (truncated?)", bytes, size_));
    }

    template <typename T>
    T read(std::string_view field) {
        need(sizeof(T), field);
        T value = load<T>(here());
        pos_ += sizeof(T);
        return value;
    }

    void skip(uint64_t bytes, std::string_view field) {
        need(bytes, field);
        pos_ += static_cast<size_t>(bytes);
    }

    std::string_view read_string(std::string_view field) {
        const size_t at = pos_;
        const auto length = read<uint64_t>(field);
        if (length > remaining())
            fail(field, at, fmt::format("string length {} exceeds the {} bytes left in the file", length, remaining()));
        std::string_view s(reinterpret_cast<const char*>(here()), static_cast<size_t>(length));
        pos_ += static_cast<size_t>(length);
        return s;
    }

private:
    const uint8_t* data_;
    size_t size_;
    const std::string& source_;
    size_t pos_ = 0;
};

Value read_value(Cursor& in, ValueType type, const std::string& field) {
    Value value;
    value.type = type;
    value.offset = in.pos();
    if (type == ValueType::STRING) {
        value.string = in.read_string(field);
        return value;
    }
    if (type != ValueType::ARRAY) {
        value.raw = in.here();
        in.skip(value_type_size(type), field);
        return value;
    }
    const size_t type_at = in.pos();
    const auto element = in.read<uint32_t>(field + " array type");
    if (!known_value_type(element)) in.fail(field + " array type", type_at, fmt::format("unknown value type {}", element));
    value.element_type = static_cast<ValueType>(element);
    if (value.element_type == ValueType::ARRAY) in.fail(field + " array type", type_at, "nested arrays are not supported");
    const size_t count_at = in.pos();
    value.count = in.read<uint64_t>(field + " array length");
    if (value.element_type == ValueType::STRING) {
        if (value.count > in.remaining() / sizeof(uint64_t))
            in.fail(field + " array length", count_at,
                    fmt::format("{} strings cannot fit in the {} bytes left", value.count, in.remaining()));
        value.strings.reserve(static_cast<size_t>(value.count));
        for (uint64_t i = 0; i < value.count; ++i) value.strings.push_back(in.read_string(field + " element"));
        return value;
    }
    const size_t element_size = value_type_size(value.element_type);
    if (value.count > in.remaining() / element_size)
        in.fail(field + " array length", count_at,
                fmt::format("{} elements of {} bytes exceed the {} bytes left", value.count, element_size, in.remaining()));
    value.raw = in.here();
    in.skip(value.count * element_size, field);
    return value;
}

uint64_t align_up(uint64_t x, uint64_t alignment, bool& overflow) {
    const uint64_t rest = x % alignment;
    if (rest == 0) return x;
    overflow = x > std::numeric_limits<uint64_t>::max() - (alignment - rest);
    return x + (alignment - rest);
}

}  // namespace

std::string_view value_type_name(ValueType type) {
    switch (type) {
        case ValueType::UINT8: return "u8";
        case ValueType::INT8: return "i8";
        case ValueType::UINT16: return "u16";
        case ValueType::INT16: return "i16";
        case ValueType::UINT32: return "u32";
        case ValueType::INT32: return "i32";
        case ValueType::FLOAT32: return "f32";
        case ValueType::BOOL: return "bool";
        case ValueType::STRING: return "string";
        case ValueType::ARRAY: return "array";
        case ValueType::UINT64: return "u64";
        case ValueType::INT64: return "i64";
        case ValueType::FLOAT64: return "f64";
    }
    return "?";
}

bool Value::is_integer() const {
    switch (type) {
        case ValueType::UINT8: case ValueType::INT8: case ValueType::UINT16: case ValueType::INT16:
        case ValueType::UINT32: case ValueType::INT32: case ValueType::UINT64: case ValueType::INT64: return true;
        default: return false;
    }
}

int64_t Value::as_int(uint64_t i) const {
    const ValueType kind = type == ValueType::ARRAY ? element_type : type;
    const uint8_t* p = raw + i * value_type_size(kind);
    switch (kind) {
        case ValueType::UINT8: case ValueType::BOOL: return load<uint8_t>(p);
        case ValueType::INT8: return load<int8_t>(p);
        case ValueType::UINT16: return load<uint16_t>(p);
        case ValueType::INT16: return load<int16_t>(p);
        case ValueType::UINT32: return load<uint32_t>(p);
        case ValueType::INT32: return load<int32_t>(p);
        case ValueType::UINT64: return static_cast<int64_t>(load<uint64_t>(p));
        case ValueType::INT64: return load<int64_t>(p);
        case ValueType::FLOAT32: return static_cast<int64_t>(load<float>(p));
        case ValueType::FLOAT64: return static_cast<int64_t>(load<double>(p));
        default: return 0;
    }
}

uint64_t Value::as_uint(uint64_t i) const {
    const ValueType kind = type == ValueType::ARRAY ? element_type : type;
    if (kind == ValueType::UINT64) return load<uint64_t>(raw + i * 8);
    return static_cast<uint64_t>(as_int(i));
}

double Value::as_double(uint64_t i) const {
    const ValueType kind = type == ValueType::ARRAY ? element_type : type;
    const uint8_t* p = raw + i * value_type_size(kind);
    if (kind == ValueType::FLOAT32) return load<float>(p);
    if (kind == ValueType::FLOAT64) return load<double>(p);
    if (kind == ValueType::UINT64) return static_cast<double>(load<uint64_t>(p));
    return static_cast<double>(as_int(i));
}

File File::open(const std::string& path) {
    auto mapping = std::make_shared<const MappedFile>(path);
    File file;
    file.mapping_ = mapping;
    file.data_ = mapping->data();
    file.size_ = mapping->size();
    file.source_ = path;
    file.parse_all();
    return file;
}

File File::parse(const uint8_t* data, size_t size, std::string source) {
    File file;
    file.data_ = data;
    file.size_ = size;
    file.source_ = std::move(source);
    file.parse_all();
    return file;
}

void File::parse_all() {
    Cursor in(data_, size_, source_);
    if (size_ < 4) in.fail("magic", 0, fmt::format("file is {} bytes, too short to be GGUF", size_));
    if (in.read<uint32_t>("magic") != kMagic) in.fail("magic", 0, "not a GGUF file (expected \"GGUF\")");
    version_ = in.read<uint32_t>("version");
    if (version_ == 1) in.fail("version", 4, "GGUF v1 is not supported (v2 and v3 are)");
    if (version_ != 2 && version_ != 3) {
        const bool big_endian = (version_ & 0xffffu) == 0 && (version_ >> 16) <= 3;
        in.fail("version", 4, big_endian ? "big-endian GGUF is not supported"
                                         : fmt::format("unsupported version {} (2 and 3 are supported)", version_));
    }
    const size_t tensor_count_at = in.pos();
    const auto tensor_count = in.read<uint64_t>("tensor_count");
    const size_t kv_count_at = in.pos();
    const auto kv_count = in.read<uint64_t>("metadata_kv_count");
    // The smallest metadata entry is 13 bytes (key length, type, one byte); the smallest tensor entry 32.
    if (kv_count > in.remaining() / 13)
        in.fail("metadata_kv_count", kv_count_at, fmt::format("{} entries cannot fit in a {}-byte file", kv_count, size_));
    if (tensor_count > in.remaining() / 32)
        in.fail("tensor_count", tensor_count_at, fmt::format("{} tensors cannot fit in a {}-byte file", tensor_count, size_));

    metadata_.reserve(static_cast<size_t>(kv_count));
    for (uint64_t i = 0; i < kv_count; ++i) {
        const size_t key_at = in.pos();
        const std::string_view key = in.read_string(fmt::format("metadata key {}", i));
        const std::string field = fmt::format("metadata '{}'", key);
        if (metadata_index_.count(key) != 0) in.fail(field, key_at, "duplicate key");
        const size_t type_at = in.pos();
        const auto type = in.read<uint32_t>(field + " type");
        if (!known_value_type(type)) in.fail(field + " type", type_at, fmt::format("unknown value type {}", type));
        metadata_index_.emplace(key, metadata_.size());
        metadata_.emplace_back(key, read_value(in, static_cast<ValueType>(type), field));
    }

    if (const Value* alignment = find("general.alignment")) {
        if (alignment->type != ValueType::UINT32)
            in.fail("metadata 'general.alignment'", alignment->offset,
                    fmt::format("expected u32, found {}", value_type_name(alignment->type)));
        alignment_ = alignment->as_uint();
        if (alignment_ == 0 || (alignment_ & (alignment_ - 1)) != 0)
            in.fail("metadata 'general.alignment'", alignment->offset,
                    fmt::format("alignment {} is not a power of two", alignment_));
    } else {
        alignment_ = kDefaultAlignment;
    }

    tensors_.reserve(static_cast<size_t>(tensor_count));
    for (uint64_t i = 0; i < tensor_count; ++i) {
        TensorInfo t;
        const size_t name_at = in.pos();
        t.name = in.read_string(fmt::format("tensor {} name", i));
        const std::string field = fmt::format("tensor {} '{}'", i, t.name);
        if (tensor_index_.count(t.name) != 0) in.fail(field, name_at, "duplicate tensor name");
        const size_t dims_at = in.pos();
        t.n_dims = in.read<uint32_t>(field + " n_dims");
        if (t.n_dims == 0 || t.n_dims > kMaxDims)
            in.fail(field + " n_dims", dims_at, fmt::format("{} dimensions (1 to {} are supported)", t.n_dims, kMaxDims));
        t.n_elements = 1;
        for (uint32_t d = 0; d < t.n_dims; ++d) {
            const size_t dim_at = in.pos();
            const std::string dim_field = fmt::format("{} ne[{}]", field, d);
            t.ne[d] = in.read<uint64_t>(dim_field);
            if (t.ne[d] == 0) in.fail(dim_field, dim_at, "dimension is zero");
            if (t.ne[d] > static_cast<uint64_t>(std::numeric_limits<int64_t>::max()) / t.n_elements)
                in.fail(dim_field, dim_at, "element count overflows");
            t.n_elements *= t.ne[d];
        }
        const size_t type_at = in.pos();
        const auto type_id = in.read<uint32_t>(field + " type");
        const auto info = ggml_type_info(type_id);
        if (!info) in.fail(field + " type", type_at, fmt::format("unknown ggml type id {}", type_id));
        t.type = info->type;
        if (t.ne[0] % info->block_elems != 0)
            in.fail(field + " ne[0]", dims_at + 4,
                    fmt::format("row length {} is not a multiple of the {} block size {}", t.ne[0], info->name,
                                info->block_elems));
        const auto row_bytes = ggml_row_bytes(t.type, t.ne[0]);
        if (!row_bytes || t.rows() > std::numeric_limits<uint64_t>::max() / *row_bytes)
            in.fail(field, name_at, "byte size overflows");
        t.n_bytes = *row_bytes * t.rows();
        const size_t offset_at = in.pos();
        t.offset = in.read<uint64_t>(field + " offset");
        if (t.offset % alignment_ != 0)
            in.fail(field + " offset", offset_at,
                    fmt::format("offset {} is not a multiple of the alignment {}", t.offset, alignment_));
        tensor_index_.emplace(t.name, tensors_.size());
        tensors_.push_back(t);
    }

    bool overflow = false;
    data_offset_ = align_up(in.pos(), alignment_, overflow);
    if (tensors_.empty()) return;  // vocab-only files may end without padding
    if (overflow || data_offset_ > size_)
        in.fail("tensor data", in.pos(), fmt::format("data section at byte {} starts past the end of the {}-byte file",
                                                      data_offset_, size_));
    const uint64_t data_size = size_ - data_offset_;
    for (auto& t : tensors_) {
        if (t.offset > data_size || t.n_bytes > data_size - t.offset)
            in.fail(fmt::format("tensor '{}' data", t.name), static_cast<size_t>(data_offset_),
                    fmt::format("bytes {}..{} of the data section extend past its end ({} bytes; truncated?)", t.offset,
                                t.offset + t.n_bytes, data_size));
        t.data = data_ + data_offset_ + t.offset;
    }
    std::vector<const TensorInfo*> by_offset;
    for (const auto& t : tensors_) by_offset.push_back(&t);
    std::sort(by_offset.begin(), by_offset.end(),
              [](const TensorInfo* a, const TensorInfo* b) { return a->offset < b->offset; });
    for (size_t i = 1; i < by_offset.size(); ++i) {
        const TensorInfo& prev = *by_offset[i - 1];
        if (prev.offset + prev.n_bytes > by_offset[i]->offset)
            in.fail(fmt::format("tensor '{}' data", by_offset[i]->name), static_cast<size_t>(data_offset_),
                    fmt::format("overlaps tensor '{}'", prev.name));
    }
}

const Value* File::find(std::string_view key) const {
    const auto it = metadata_index_.find(key);
    return it == metadata_index_.end() ? nullptr : &metadata_[it->second].second;
}

void File::type_error(std::string_view key, const Value& value, std::string_view expected) const {
    std::string actual(value_type_name(value.type));
    if (value.type == ValueType::ARRAY) actual = fmt::format("array of {}", value_type_name(value.element_type));
    throw Error(fmt::format("{}: metadata '{}' at byte {}: expected {}, found {}", source_, key, value.offset, expected,
                            actual));
}

const Value& File::require(std::string_view key, std::string_view expected) const {
    const Value* value = find(key);
    if (value == nullptr) throw Error(fmt::format("{}: metadata '{}' ({}) is missing", source_, key, expected));
    return *value;
}

std::string_view File::get_string(std::string_view key) const {
    const Value& v = require(key, "string");
    if (v.type != ValueType::STRING) type_error(key, v, "string");
    return v.string;
}

uint64_t File::get_uint(std::string_view key) const {
    const Value& v = require(key, "unsigned integer");
    if (!v.is_integer()) type_error(key, v, "unsigned integer");
    const bool negative = v.type != ValueType::UINT64 && v.as_int() < 0;
    if (negative)
        throw Error(fmt::format("{}: metadata '{}' at byte {}: expected a non-negative value, found {}", source_, key,
                                v.offset, v.as_int()));
    return v.as_uint();
}

int64_t File::get_int(std::string_view key) const {
    const Value& v = require(key, "integer");
    if (!v.is_integer()) type_error(key, v, "integer");
    if (v.type == ValueType::UINT64 && v.as_uint() > static_cast<uint64_t>(std::numeric_limits<int64_t>::max()))
        throw Error(fmt::format("{}: metadata '{}' at byte {}: value {} does not fit in i64", source_, key, v.offset,
                                v.as_uint()));
    return v.as_int();
}

double File::get_float(std::string_view key) const {
    const Value& v = require(key, "float");
    if (v.type != ValueType::FLOAT32 && v.type != ValueType::FLOAT64) type_error(key, v, "f32 or f64");
    return v.as_double();
}

bool File::get_bool(std::string_view key) const {
    const Value& v = require(key, "bool");
    if (v.type != ValueType::BOOL) type_error(key, v, "bool");
    return v.as_int() != 0;
}

const std::vector<std::string_view>& File::get_string_array(std::string_view key) const {
    const Value& v = require(key, "array of string");
    if (!v.is_array_of(ValueType::STRING)) type_error(key, v, "array of string");
    return v.strings;
}

std::vector<float> File::get_float_array(std::string_view key) const {
    const Value& v = require(key, "array of f32");
    if (!v.is_array_of(ValueType::FLOAT32) && !v.is_array_of(ValueType::FLOAT64)) type_error(key, v, "array of f32");
    std::vector<float> out(static_cast<size_t>(v.count));
    for (uint64_t i = 0; i < v.count; ++i) out[i] = static_cast<float>(v.as_double(i));
    return out;
}

std::vector<int64_t> File::get_int_array(std::string_view key) const {
    const Value& v = require(key, "array of integer");
    if (v.type != ValueType::ARRAY || v.element_type == ValueType::STRING || v.element_type == ValueType::FLOAT32 ||
        v.element_type == ValueType::FLOAT64)
        type_error(key, v, "array of integer");
    std::vector<int64_t> out(static_cast<size_t>(v.count));
    for (uint64_t i = 0; i < v.count; ++i) out[i] = v.as_int(i);
    return out;
}

const TensorInfo* File::find_tensor(std::string_view name) const {
    const auto it = tensor_index_.find(name);
    return it == tensor_index_.end() ? nullptr : &tensors_[it->second];
}

const TensorInfo& File::tensor(std::string_view name) const {
    const TensorInfo* t = find_tensor(name);
    if (t == nullptr) throw Error(fmt::format("{}: tensor '{}' not found", source_, name));
    return *t;
}

}  // namespace gguf
