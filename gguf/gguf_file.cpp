// Metadata values and the typed getters of a parsed File (the parser is gguf_parser.cpp).
#include "gguf/gguf_file.h"

#include <cstring>
#include <limits>

#include <fmt/format.h>

#include "gguf/mapped_file.h"

namespace gguf {
namespace {

template <typename T>
T load(const uint8_t* p) {
    T value;
    std::memcpy(&value, p, sizeof value);
    return value;
}

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

void File::release(const TensorInfo& tensor) const {
    if (mapping_) mapping_->release(tensor.data, static_cast<size_t>(tensor.n_bytes));
}

}  // namespace gguf
