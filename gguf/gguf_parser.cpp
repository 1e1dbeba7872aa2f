// Building a File: the parser of the header, metadata and tensor table. Every count, length, offset and size
// read from the input is checked before it is used; every error names the field and its byte offset.
#include <algorithm>
#include <cstring>
#include <limits>
#include <type_traits>

#include <fmt/format.h>

#include "gguf/gguf_file.h"
#include "gguf/mapped_file.h"

static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "the GGUF reader assumes a little-endian host");

namespace gguf {
namespace {

constexpr uint32_t kMagic = 0x46554747;  // "GGUF" read as a little-endian u32
constexpr uint32_t kMaxDims = 4;
constexpr uint64_t kDefaultAlignment = 32;
// Lower bounds that reject absurd counts before anything is reserved for them: the smallest metadata entry
// (key length, type, a one-byte value), the smallest tensor info (name length, n_dims, one dim, type, offset)
// and the smallest array element of type string (its length).
constexpr uint64_t kMinMetadataBytes = 8 + 4 + 1;
constexpr uint64_t kMinTensorInfoBytes = 8 + 4 + 8 + 4 + 8;
constexpr uint64_t kMinStringBytes = 8;

constexpr uint64_t kMaxU64 = std::numeric_limits<uint64_t>::max();
uint64_t add_saturating(uint64_t a, uint64_t b) { return a > kMaxU64 - b ? kMaxU64 : a + b; }
uint64_t mul_saturating(uint64_t a, uint64_t b) { return b != 0 && a > kMaxU64 / b ? kMaxU64 : a * b; }
uint64_t align_up(uint64_t x, uint64_t alignment) { return add_saturating(x, (alignment - x % alignment) % alignment); }

bool known_value_type(uint32_t id) { return id <= static_cast<uint32_t>(ValueType::FLOAT64); }

template <typename T>
T load(const uint8_t* p) {
    T value;
    std::memcpy(&value, p, sizeof value);
    return value;
}

// Field names are formatted only when an error is reported: a string literal, or a callable returning one.
template <typename Field>
std::string describe(const Field& field) {
    if constexpr (std::is_invocable_v<const Field&>) return field();
    else return std::string(field);
}

// "metadata 'llama.block_count' type"
struct KeyField {
    std::string_view key;
    std::string_view part;
    std::string operator()() const {
        return part.empty() ? fmt::format("metadata '{}'", key) : fmt::format("metadata '{}' {}", key, part);
    }
};

// "tensor 3 'blk.0.attn_q.weight' offset"
struct TensorField {
    uint64_t index;
    std::string_view name;
    std::string_view part;
    std::string operator()() const { return fmt::format("tensor {} '{}' {}", index, name, part); }
};

// Reads the input front to back. Every comparison with the input's length is require_end(), which is what
// lets File::sweep_truncations replay the checks of a whole file for every shorter length at once.
class Cursor {
public:
    Cursor(const uint8_t* data, size_t size, const std::string& source, const TruncationVisitor* sweep)
        : data_(data), size_(size), limit_(sweep != nullptr ? 0 : size), source_(source), sweep_(sweep) {}

    uint64_t pos() const { return pos_; }
    uint64_t limit() const { return limit_; }
    const uint8_t* at(uint64_t offset) const { return data_ + offset; }
    const uint8_t* here() const { return data_ + pos_; }

    template <typename Field>
    [[noreturn]] void fail(uint64_t at, const Field& field, std::string_view problem) const {
        throw Error(fmt::format("{}: {} at byte {}: {}", source_, describe(field), at, problem));
    }

    // The input must reach byte `end`; `what()` says what needs it. In a sweep, a shorter limit is recorded as
    // a rejected range and raised to `end`.
    template <typename Field, typename What>
    void require_end(uint64_t end, uint64_t at, const Field& field, const What& what) {
        if (end <= limit_) return;
        std::string error = fmt::format("{}: {} at byte {}: {}; the file is shorter than {} bytes (truncated?)",
                                        source_, describe(field), at, what(), end);
        if (sweep_ == nullptr || end > size_) throw Error(error);
        (*sweep_)(TruncationRange{limit_, end, std::move(error)});
        limit_ = end;
    }

    template <typename Field>
    void skip(uint64_t bytes, const Field& field) {
        require_end(add_saturating(pos_, bytes), pos_, field, [bytes] { return fmt::format("needs {} bytes", bytes); });
        pos_ += bytes;
    }

    template <typename T, typename Field>
    T read(const Field& field) {
        skip(sizeof(T), field);
        return load<T>(data_ + pos_ - sizeof(T));
    }

    template <typename Field>
    std::string_view read_string(const Field& field) {
        const uint64_t at = pos_;
        const auto length = read<uint64_t>(field);
        require_end(add_saturating(pos_, length), at, field,
                    [length] { return fmt::format("holds a string of {} bytes", length); });
        const std::string_view s(reinterpret_cast<const char*>(here()), static_cast<size_t>(length));
        pos_ += length;
        return s;
    }

private:
    const uint8_t* data_;
    size_t size_;
    uint64_t limit_;  // the input's length; in a sweep, the longest length rejected so far
    const std::string& source_;
    const TruncationVisitor* sweep_;
    uint64_t pos_ = 0;
};

}  // namespace

// Fills in a File from its bytes, front to back.
class Parser {
public:
    Parser(File& file, const TruncationVisitor* sweep) : file_(file), in_(file.data_, file.size_, file.source_, sweep) {}

    // Returns the shortest length of the input that parses.
    uint64_t run() {
        read_header();
        read_metadata();
        read_alignment();
        read_tensor_infos();
        place_tensor_data();
        return in_.limit();
    }

private:
    void read_header();
    void read_metadata();
    Value read_value(ValueType type, std::string_view key);
    void read_alignment();
    void read_tensor_infos();
    TensorInfo read_tensor_info(uint64_t index);
    void place_tensor_data();

    File& file_;
    Cursor in_;
    uint64_t tensor_count_ = 0;
    uint64_t kv_count_ = 0;
};

void Parser::read_header() {
    if (in_.read<uint32_t>("magic") != kMagic) {
        const uint8_t* b = in_.at(0);
        in_.fail(0, "magic", fmt::format("not a GGUF file (starts with bytes {:02x} {:02x} {:02x} {:02x}, not \"GGUF\")",
                                         b[0], b[1], b[2], b[3]));
    }
    const uint64_t version_at = in_.pos();
    const auto version = in_.read<uint32_t>("version");
    if (version == 1) in_.fail(version_at, "version", "GGUF v1 is not supported (v2 and v3 are)");
    if (version != 2 && version != 3) {
        const uint32_t swapped = __builtin_bswap32(version);
        in_.fail(version_at, "version",
                 swapped >= 1 && swapped <= 3 ? "big-endian GGUF is not supported"
                                              : fmt::format("unsupported version {} (2 and 3 are supported)", version));
    }
    file_.version_ = version;

    const uint64_t tensor_count_at = in_.pos();
    tensor_count_ = in_.read<uint64_t>("tensor_count");
    const uint64_t kv_count_at = in_.pos();
    kv_count_ = in_.read<uint64_t>("metadata_kv_count");
    const uint64_t body = in_.pos();
    in_.require_end(add_saturating(body, mul_saturating(kv_count_, kMinMetadataBytes)), kv_count_at,
                    "metadata_kv_count", [&] {
                        return fmt::format("{} entries take at least {} bytes each", kv_count_, kMinMetadataBytes);
                    });
    in_.require_end(add_saturating(body, mul_saturating(tensor_count_, kMinTensorInfoBytes)), tensor_count_at,
                    "tensor_count", [&] {
                        return fmt::format("{} tensor infos take at least {} bytes each", tensor_count_,
                                           kMinTensorInfoBytes);
                    });
}

void Parser::read_metadata() {
    file_.metadata_.reserve(static_cast<size_t>(kv_count_));
    for (uint64_t i = 0; i < kv_count_; ++i) {
        const uint64_t key_at = in_.pos();
        const std::string_view key = in_.read_string([i] { return fmt::format("metadata key {}", i); });
        if (key.empty()) in_.fail(key_at, [i] { return fmt::format("metadata key {}", i); }, "empty key");
        if (file_.metadata_index_.count(key) != 0) in_.fail(key_at, KeyField{key, ""}, "duplicate key");
        const uint64_t type_at = in_.pos();
        const auto type = in_.read<uint32_t>(KeyField{key, "type"});
        if (!known_value_type(type))
            in_.fail(type_at, KeyField{key, "type"}, fmt::format("unknown value type {}", type));
        file_.metadata_index_.emplace(key, file_.metadata_.size());
        file_.metadata_.emplace_back(key, read_value(static_cast<ValueType>(type), key));
    }
}

Value Parser::read_value(ValueType type, std::string_view key) {
    Value value;
    value.type = type;
    value.offset = in_.pos();
    if (type == ValueType::STRING) {
        value.string = in_.read_string(KeyField{key, ""});
        return value;
    }
    if (type != ValueType::ARRAY) {
        value.raw = in_.here();
        in_.skip(value_type_size(type), KeyField{key, ""});
        return value;
    }

    const uint64_t element_at = in_.pos();
    const auto element = in_.read<uint32_t>(KeyField{key, "array type"});
    if (!known_value_type(element))
        in_.fail(element_at, KeyField{key, "array type"}, fmt::format("unknown value type {}", element));
    if (element == static_cast<uint32_t>(ValueType::ARRAY))
        in_.fail(element_at, KeyField{key, "array type"}, "nested arrays are not supported");
    value.element_type = static_cast<ValueType>(element);
    const uint64_t count_at = in_.pos();
    value.count = in_.read<uint64_t>(KeyField{key, "array length"});
    if (value.element_type != ValueType::STRING) {
        value.raw = in_.here();
        in_.skip(mul_saturating(value.count, value_type_size(value.element_type)), KeyField{key, "array"});
        return value;
    }
    in_.require_end(add_saturating(in_.pos(), mul_saturating(value.count, kMinStringBytes)), count_at,
                    KeyField{key, "array length"}, [&] {
                        return fmt::format("{} strings take at least {} bytes each", value.count, kMinStringBytes);
                    });
    value.strings.reserve(static_cast<size_t>(value.count));
    for (uint64_t j = 0; j < value.count; ++j)
        value.strings.push_back(in_.read_string([key, j] { return fmt::format("metadata '{}' element {}", key, j); }));
    return value;
}

void Parser::read_alignment() {
    const Value* alignment = file_.find("general.alignment");
    if (alignment == nullptr) {
        file_.alignment_ = kDefaultAlignment;
        return;
    }
    const KeyField field{"general.alignment", ""};
    if (alignment->type != ValueType::UINT32)
        in_.fail(alignment->offset, field, fmt::format("expected u32, found {}", value_type_name(alignment->type)));
    file_.alignment_ = alignment->as_uint();
    if (file_.alignment_ == 0 || (file_.alignment_ & (file_.alignment_ - 1)) != 0)
        in_.fail(alignment->offset, field, fmt::format("alignment {} is not a power of two", file_.alignment_));
}

void Parser::read_tensor_infos() {
    file_.tensors_.reserve(static_cast<size_t>(tensor_count_));
    for (uint64_t i = 0; i < tensor_count_; ++i) {
        const TensorInfo t = read_tensor_info(i);
        file_.tensor_index_.emplace(t.name, file_.tensors_.size());
        file_.tensors_.push_back(t);
    }
}

TensorInfo Parser::read_tensor_info(uint64_t index) {
    TensorInfo t;
    const uint64_t name_at = in_.pos();
    t.name = in_.read_string([index] { return fmt::format("tensor {} name", index); });
    if (file_.tensor_index_.count(t.name) != 0) in_.fail(name_at, TensorField{index, t.name, "name"}, "duplicate name");

    const uint64_t dims_at = in_.pos();
    t.n_dims = in_.read<uint32_t>(TensorField{index, t.name, "n_dims"});
    if (t.n_dims == 0 || t.n_dims > kMaxDims)
        in_.fail(dims_at, TensorField{index, t.name, "n_dims"},
                 fmt::format("{} dimensions (1 to {} are supported)", t.n_dims, kMaxDims));
    t.n_elements = 1;
    for (uint32_t d = 0; d < t.n_dims; ++d) {
        const uint64_t dim_at = in_.pos();
        const auto dim_field = [&] { return fmt::format("tensor {} '{}' ne[{}]", index, t.name, d); };
        t.ne[d] = in_.read<uint64_t>(dim_field);
        if (t.ne[d] == 0) in_.fail(dim_at, dim_field, "dimension is zero");
        if (t.ne[d] > static_cast<uint64_t>(std::numeric_limits<int64_t>::max()) / t.n_elements)
            in_.fail(dim_at, dim_field, "the element count overflows int64");
        t.n_elements *= t.ne[d];
    }

    const uint64_t type_at = in_.pos();
    const auto type_id = in_.read<uint32_t>(TensorField{index, t.name, "type"});
    const auto info = ggml_type_info(type_id);
    if (!info) in_.fail(type_at, TensorField{index, t.name, "type"}, fmt::format("unknown ggml type id {}", type_id));
    t.type = info->type;
    if (t.ne[0] % info->block_elems != 0)
        in_.fail(dims_at + sizeof(uint32_t), TensorField{index, t.name, "ne[0]"},
                 fmt::format("row length {} is not a multiple of the {} block size {}", t.ne[0], info->name,
                             info->block_elems));
    const auto row_bytes = ggml_row_bytes(t.type, t.ne[0]);
    if (!row_bytes || t.rows() > kMaxU64 / *row_bytes)
        in_.fail(type_at, TensorField{index, t.name, "type"}, fmt::format("the size in bytes overflows for {}", info->name));
    t.n_bytes = *row_bytes * t.rows();

    const uint64_t offset_at = in_.pos();
    t.offset = in_.read<uint64_t>(TensorField{index, t.name, "offset"});
    if (t.offset % file_.alignment_ != 0)
        in_.fail(offset_at, TensorField{index, t.name, "offset"},
                 fmt::format("offset {} is not a multiple of the alignment {}", t.offset, file_.alignment_));
    return t;
}

void Parser::place_tensor_data() {
    file_.data_offset_ = align_up(in_.pos(), file_.alignment_);
    if (file_.tensors_.empty()) return;  // vocab-only files may end without padding

    for (auto& t : file_.tensors_) {
        const uint64_t start = add_saturating(file_.data_offset_, t.offset);
        in_.require_end(add_saturating(start, t.n_bytes), start, [&] { return fmt::format("tensor '{}' data", t.name); },
                        [&] { return fmt::format("holds {} bytes", t.n_bytes); });
        t.data = in_.at(start);
    }

    std::vector<const TensorInfo*> by_offset;
    by_offset.reserve(file_.tensors_.size());
    for (const auto& t : file_.tensors_) by_offset.push_back(&t);
    std::stable_sort(by_offset.begin(), by_offset.end(),
              [](const TensorInfo* a, const TensorInfo* b) { return a->offset < b->offset; });
    for (size_t i = 1; i < by_offset.size(); ++i) {
        const TensorInfo& prev = *by_offset[i - 1];
        const TensorInfo& next = *by_offset[i];
        if (prev.offset + prev.n_bytes > next.offset)  // both end inside the file: no overflow
            in_.fail(file_.data_offset_ + next.offset, [&] { return fmt::format("tensor '{}' data", next.name); },
                     fmt::format("overlaps tensor '{}' (data-section bytes {}..{})", prev.name, prev.offset,
                                 prev.offset + prev.n_bytes));
    }
}

File File::open(const std::string& path) {
    auto mapping = std::make_shared<const MappedFile>(path);
    File file;
    file.mapping_ = mapping;
    file.data_ = mapping->data();
    file.size_ = mapping->size();
    file.source_ = path;
    Parser(file, nullptr).run();
    return file;
}

File File::parse(const uint8_t* data, size_t size, std::string source) {
    File file;
    file.data_ = data;
    file.size_ = size;
    file.source_ = std::move(source);
    Parser(file, nullptr).run();
    return file;
}

uint64_t File::sweep_truncations(const uint8_t* data, size_t size, const std::string& source,
                                 const TruncationVisitor& visit) {
    File file;
    file.data_ = data;
    file.size_ = size;
    file.source_ = source;
    return Parser(file, &visit).run();
}

}  // namespace gguf
