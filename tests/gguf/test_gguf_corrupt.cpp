// Hand-made hostile headers: a valid file from the writer with one field overwritten, for each rejection rule.
// Every error is one line naming the field and the byte offset where it sits in the file.
#include <catch2/catch.hpp>

#include <cstring>
#include <string>
#include <vector>

#include "gguf/gguf_file.h"
#include "gguf/gguf_writer.h"

namespace {

using gguf::GgmlType;

// The layout of base_file(), worked out by hand from the format (the first test checks it):
//   0 magic, 4 version, 8 tensor_count, 16 metadata_kv_count
//   24 KV "a" (u32): key length 24, key 32, type 33, value 37
//   41 KV "s" (array of string): key length 41, key 49, type 50, element type 54, length 58, element 0 at 66
//   76 tensor "t0" f32 [8, 2]: name length 76, name 84, n_dims 86, ne[0] 90, ne[1] 98, type 106, offset 110
//   118 tensor "t1" q8_0 [32]: name length 118, name 126, n_dims 128, ne[0] 132, type 140, offset 144
//   152..160 padding; data section at 160: t0 bytes 0..64, t1 bytes 64..98, padding to 128
std::vector<uint8_t> base_file() {
    static const std::vector<uint8_t> data(64, 0x3c);
    gguf::Writer w;
    w.add_u32("a", 1);
    w.add_string_array("s", std::vector<std::string>{"xy"});
    w.add_tensor("t0", GgmlType::F32, {8, 2}, data.data());
    w.add_tensor("t1", GgmlType::Q8_0, {32}, data.data());
    return w.to_bytes();
}

// A file whose only metadata is general.alignment = 64: its u32 type at byte 49, its value at byte 53.
std::vector<uint8_t> aligned_file() {
    static const std::vector<uint8_t> data(32, 0);
    gguf::Writer w;
    w.add_u32("general.alignment", 64);
    w.add_tensor("t", GgmlType::F32, {8}, data.data());
    return w.to_bytes();
}

template <typename T>
std::vector<uint8_t> patched(std::vector<uint8_t> bytes, size_t offset, T value) {
    REQUIRE(offset + sizeof value <= bytes.size());
    std::memcpy(bytes.data() + offset, &value, sizeof value);
    return bytes;
}

std::string error_of(const std::vector<uint8_t>& bytes) {
    try {
        gguf::File::parse(bytes.data(), bytes.size(), "bad.gguf");
    } catch (const gguf::Error& e) {
        return e.what();
    }
    return "(parsed without an error)";
}

// The error is one line, starts with the file, and names the field at that byte offset.
void check_rejected(const std::vector<uint8_t>& bytes, const std::string& field, size_t at, const std::string& why) {
    const std::string error = error_of(bytes);
    INFO(error);
    CHECK(error.find('\n') == std::string::npos);
    CHECK_THAT(error, Catch::StartsWith("bad.gguf: " + field + " at byte " + std::to_string(at) + ": "));
    CHECK_THAT(error, Catch::Contains(why));
}

}  // namespace

TEST_CASE("gguf corrupt: the base files parse and sit where the tests expect", "[gguf][corrupt]") {
    const auto bytes = base_file();
    const auto file = gguf::File::parse(bytes.data(), bytes.size(), "base.gguf");
    CHECK(bytes.size() == 288);
    CHECK(file.data_offset() == 160);
    CHECK(file.find("a")->offset == 37);
    CHECK(file.find("s")->offset == 54);
    CHECK(file.tensor("t1").offset == 64);
    CHECK(bytes[86] == 2);    // t0 n_dims
    CHECK(bytes[106] == 0);   // t0 type f32
    CHECK(bytes[140] == 8);   // t1 type q8_0
    const auto aligned = aligned_file();
    CHECK(gguf::File::parse(aligned.data(), aligned.size(), "aligned.gguf").alignment() == 64);
    CHECK(aligned[49] == 4);  // u32
    CHECK(aligned[53] == 64);
}

TEST_CASE("gguf corrupt: bad magic and version", "[gguf][corrupt]") {
    check_rejected(patched(base_file(), 0, uint32_t{0x464c457f}), "magic", 0, "not a GGUF file (starts with bytes 7f 45 4c 46");
    check_rejected(patched(base_file(), 4, uint32_t{1}), "version", 4, "GGUF v1 is not supported");
    check_rejected(patched(base_file(), 4, uint32_t{4}), "version", 4, "unsupported version 4");
    check_rejected(patched(base_file(), 4, uint32_t{0x03000000}), "version", 4, "big-endian");
}

TEST_CASE("gguf corrupt: absurd counts and lengths fail before anything is allocated for them", "[gguf][corrupt]") {
    check_rejected(patched(base_file(), 8, uint64_t{1} << 60), "tensor_count", 8, "1152921504606846976 tensor infos");
    check_rejected(patched(base_file(), 16, ~uint64_t{0}), "metadata_kv_count", 16, "18446744073709551615 entries");
    check_rejected(patched(base_file(), 24, uint64_t{1} << 63), "metadata key 0", 24, "holds a string of 9223372036854775808 bytes");
    check_rejected(patched(base_file(), 58, uint64_t{1} << 61), "metadata 's' array length", 58, "strings take at least 8 bytes");
    check_rejected(patched(base_file(), 66, ~uint64_t{0} - 3), "metadata 's' element 0", 66, "holds a string");
    check_rejected(patched(base_file(), 76, uint64_t{1000}), "tensor 0 name", 76, "holds a string of 1000 bytes");
}

TEST_CASE("gguf corrupt: metadata keys and value types", "[gguf][corrupt]") {
    check_rejected(patched(base_file(), 33, uint32_t{13}), "metadata 'a' type", 33, "unknown value type 13");
    check_rejected(patched(base_file(), 54, uint32_t{9}), "metadata 's' array type", 54, "nested arrays are not supported");
    check_rejected(patched(base_file(), 54, uint32_t{99}), "metadata 's' array type", 54, "unknown value type 99");
    check_rejected(patched(base_file(), 49, 'a'), "metadata 'a'", 41, "duplicate key");
    check_rejected(patched(base_file(), 24, uint64_t{0}), "metadata key 0", 24, "empty key");
}

TEST_CASE("gguf corrupt: general.alignment of another type, zero, or not a power of two", "[gguf][corrupt]") {
    check_rejected(patched(aligned_file(), 49, uint32_t{5}), "metadata 'general.alignment'", 53, "expected u32, found i32");
    check_rejected(patched(aligned_file(), 53, uint32_t{48}), "metadata 'general.alignment'", 53, "48 is not a power of two");
    check_rejected(patched(aligned_file(), 53, uint32_t{0}), "metadata 'general.alignment'", 53, "0 is not a power of two");
}

TEST_CASE("gguf corrupt: tensor names, dimensions and types", "[gguf][corrupt]") {
    check_rejected(patched(base_file(), 127, '0'), "tensor 1 't0' name", 118, "duplicate name");
    check_rejected(patched(base_file(), 86, uint32_t{5}), "tensor 0 't0' n_dims", 86, "5 dimensions (1 to 4");
    check_rejected(patched(base_file(), 86, uint32_t{0}), "tensor 0 't0' n_dims", 86, "0 dimensions");
    check_rejected(patched(base_file(), 98, uint64_t{0}), "tensor 0 't0' ne[1]", 98, "dimension is zero");
    check_rejected(patched(patched(base_file(), 90, uint64_t{1} << 62), 98, uint64_t{4}), "tensor 0 't0' ne[1]", 98,
                   "overflows");
    check_rejected(patched(base_file(), 106, uint32_t{4}), "tensor 0 't0' type", 106, "unknown ggml type id 4");
    check_rejected(patched(base_file(), 106, uint32_t{1000}), "tensor 0 't0' type", 106, "unknown ggml type id 1000");
    check_rejected(patched(base_file(), 132, uint64_t{48}), "tensor 1 't1' ne[0]", 132,
                   "row length 48 is not a multiple of the q8_0 block size 32");
    // 2^62 f64 elements fit in int64, their 2^65 bytes do not fit in 64 bits.
    auto huge = patched(patched(base_file(), 90, uint64_t{1} << 62), 98, uint64_t{1});
    check_rejected(patched(huge, 106, uint32_t{28}), "tensor 0 't0' type", 106, "size in bytes overflows");
}

TEST_CASE("gguf corrupt: tensor offsets misaligned, past the end, or overlapping", "[gguf][corrupt]") {
    check_rejected(patched(base_file(), 144, uint64_t{65}), "tensor 1 't1' offset", 144,
                   "offset 65 is not a multiple of the alignment 32");
    check_rejected(patched(base_file(), 144, uint64_t{1} << 40), "tensor 't1' data", 160 + (uint64_t{1} << 40),
                   "holds 34 bytes; the file is shorter than");
    check_rejected(patched(base_file(), 144, ~uint64_t{0} - 31), "tensor 't1' data", ~uint64_t{0},
                   "the file is shorter than 18446744073709551615 bytes");
    check_rejected(patched(base_file(), 144, uint64_t{32}), "tensor 't1' data", 192,
                   "overlaps tensor 't0' (data-section bytes 0..64)");
    check_rejected(patched(base_file(), 110, uint64_t{64}), "tensor 't1' data", 224, "overlaps tensor 't0'");
}
