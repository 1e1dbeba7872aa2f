#include <catch2/catch.hpp>

#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include "gguf/gguf_file.h"
#include "gguf/gguf_writer.h"
#include "support/file_bytes.h"
#include "support/shared_data.h"
#include "support/temp_dir.h"

namespace {

using gguf::GgmlType;
using gguf::ValueType;

gguf::File parse(const std::vector<uint8_t>& bytes) { return gguf::File::parse(bytes.data(), bytes.size(), "memory"); }

std::vector<uint8_t> read_file(const std::string& path) {
    const std::string bytes = test::read_bytes(path);
    return {bytes.begin(), bytes.end()};
}

std::vector<uint8_t> pattern_bytes(size_t n, uint8_t seed) {
    std::vector<uint8_t> bytes(n);
    for (size_t i = 0; i < n; ++i) bytes[i] = static_cast<uint8_t>(seed + i * 7);
    return bytes;
}

// The same file, re-written through the writer from what the reader made of it.
std::vector<uint8_t> rewrite(const gguf::File& file) {
    gguf::Writer w;
    for (const auto& [key, value] : file.metadata()) w.add_value(key, value);
    for (const auto& t : file.tensors())
        w.add_tensor(t.name, t.type, std::vector<uint64_t>(t.ne.begin(), t.ne.begin() + t.n_dims), t.data);
    return w.to_bytes();
}

}  // namespace

TEST_CASE("gguf writer: a tiny file is laid out byte for byte as GGUF v3 with padding", "[gguf][writer]") {
    // Expected bytes spelled out from the format: header, one u32 KV, one tensor info, padding to 32, then the
    // 3 floats (12 bytes) padded to 32.
    const float values[3] = {1.0f, -2.0f, 0.5f};
    gguf::Writer w;
    w.add_u32("n", 7);
    w.add_tensor("t", GgmlType::F32, {3}, values);
    const auto bytes = w.to_bytes();

    std::vector<uint8_t> expected;
    const auto put = [&](const void* p, size_t n) {
        expected.insert(expected.end(), static_cast<const uint8_t*>(p), static_cast<const uint8_t*>(p) + n);
    };
    const auto u32 = [&](uint32_t v) { put(&v, 4); };
    const auto u64 = [&](uint64_t v) { put(&v, 8); };
    put("GGUF", 4);
    u32(3);             // version
    u64(1);             // tensor count
    u64(1);             // kv count
    u64(1), put("n", 1), u32(4), u32(7);                  // key "n", type u32, value 7
    u64(1), put("t", 1), u32(1), u64(3), u32(0), u64(0);  // name, n_dims 1, ne 3, type f32, offset 0
    expected.resize(96, 0);  // 24 + 17 + 33 = 74 bytes of header, padded to 96
    put(values, sizeof values);
    expected.resize(128, 0);  // 12 bytes of data padded to 32
    CHECK(bytes == expected);
}

TEST_CASE("gguf writer: every value type and tensor type reads back identical", "[gguf][writer]") {
    const std::vector<std::string> tokens{"<unk>", "", "hello", "\xe2\x96\x81world"};
    const std::vector<float> scores{0.0f, -1.5f, 3.25f, 1e-30f};
    const std::vector<int32_t> types{2, 1, 1, 6};
    const std::vector<uint8_t> bools{1, 0, 1};
    const auto f32 = pattern_bytes(4 * 5 * 2, 1);
    const auto q4_0 = pattern_bytes(18 * 2 * 3, 2);
    const auto q6_k = pattern_bytes(210, 3);
    const auto f16 = pattern_bytes(2 * 7, 4);

    gguf::Writer w;
    w.add_u8("u8", 200);
    w.add_i8("i8", -100);
    w.add_u16("u16", 65000);
    w.add_i16("i16", -32000);
    w.add_u32("u32", 4000000000u);
    w.add_i32("i32", -2000000000);
    w.add_u64("u64", 18000000000000000000ull);
    w.add_i64("i64", -9000000000000000000ll);
    w.add_f32("f32", 0.1f);
    w.add_f64("f64", 1e-300);
    w.add_bool("bool", true);
    w.add_string("string", "llama");
    w.add_string("empty", "");
    w.add_string_array("tokens", tokens);
    w.add_array("scores", scores);
    w.add_array("types", types);
    w.add_array("bools", ValueType::BOOL, bools.data(), bools.size());
    w.add_array("nothing", std::vector<uint64_t>{});
    w.add_u32("general.alignment", 64);
    w.add_tensor("f32", GgmlType::F32, {5, 2}, f32.data());
    w.add_tensor("q4_0", GgmlType::Q4_0, {64, 3}, q4_0.data());
    w.add_tensor("q6_K", GgmlType::Q6_K, {256}, q6_k.data());
    w.add_tensor("f16.filled", GgmlType::F16, {7, 1, 1, 1}, [&](uint8_t* dst, size_t n) {
        REQUIRE(n == f16.size());
        std::memcpy(dst, f16.data(), n);
    });
    const auto bytes = w.to_bytes();
    const auto file = parse(bytes);

    CHECK(file.version() == 3);
    CHECK(file.alignment() == 64);
    CHECK(file.data_offset() % 64 == 0);
    REQUIRE(file.metadata().size() == 19);
    CHECK(file.metadata()[0].first == "u8");  // file order is insertion order
    CHECK(file.metadata()[18].first == "general.alignment");
    CHECK(file.get_uint("u8") == 200);
    CHECK(file.get_int("i8") == -100);
    CHECK(file.get_uint("u16") == 65000);
    CHECK(file.get_int("i16") == -32000);
    CHECK(file.get_uint("u32") == 4000000000u);
    CHECK(file.get_int("i32") == -2000000000);
    CHECK(file.get_uint("u64") == 18000000000000000000ull);
    CHECK(file.get_int("i64") == -9000000000000000000ll);
    CHECK(file.get_float("f32") == 0.1f);
    CHECK(file.get_float("f64") == 1e-300);
    CHECK(file.get_bool("bool"));
    CHECK(file.get_string("string") == "llama");
    CHECK(file.get_string("empty").empty());
    const auto& read_tokens = file.get_string_array("tokens");
    CHECK(std::vector<std::string>(read_tokens.begin(), read_tokens.end()) == tokens);
    CHECK(file.get_float_array("scores") == scores);
    CHECK(file.get_int_array("types") == std::vector<int64_t>{2, 1, 1, 6});
    CHECK(file.get_int_array("bools") == std::vector<int64_t>{1, 0, 1});
    CHECK(file.find("nothing")->is_array_of(ValueType::UINT64));
    CHECK(file.find("nothing")->count == 0);
    const std::pair<const char*, ValueType> kinds[] = {
        {"u8", ValueType::UINT8},   {"i8", ValueType::INT8},       {"u16", ValueType::UINT16},
        {"i16", ValueType::INT16},  {"u32", ValueType::UINT32},    {"i32", ValueType::INT32},
        {"u64", ValueType::UINT64}, {"i64", ValueType::INT64},     {"f32", ValueType::FLOAT32},
        {"f64", ValueType::FLOAT64}, {"bool", ValueType::BOOL},    {"string", ValueType::STRING}};
    for (const auto& [key, type] : kinds) CHECK(file.find(key)->type == type);

    REQUIRE(file.tensors().size() == 4);
    const auto check_tensor = [&](const char* name, GgmlType type, std::vector<uint64_t> shape,
                                  const std::vector<uint8_t>& data) {
        INFO(name);
        const auto& t = file.tensor(name);
        CHECK(t.type == type);
        CHECK(std::vector<uint64_t>(t.ne.begin(), t.ne.begin() + t.n_dims) == shape);
        CHECK(t.offset % 64 == 0);
        REQUIRE(t.n_bytes == data.size());
        CHECK(std::memcmp(t.data, data.data(), data.size()) == 0);
    };
    check_tensor("f32", GgmlType::F32, {5, 2}, f32);
    check_tensor("q4_0", GgmlType::Q4_0, {64, 3}, q4_0);
    check_tensor("q6_K", GgmlType::Q6_K, {256}, q6_k);
    check_tensor("f16.filled", GgmlType::F16, {7, 1, 1, 1}, f16);
    CHECK(bytes.size() == file.data_offset() + file.tensors().back().offset + 64);  // the last tensor padded too

    SECTION("and re-writing what was read gives the same bytes") { CHECK(rewrite(file) == bytes); }
}

TEST_CASE("gguf writer: every real file in ../shared/models re-writes byte for byte", "[gguf][writer]") {
    SKIP_WITHOUT_SHARED();
    const std::vector<std::string> paths = test::shared_gguf_files();
    for (const std::string& path : paths) {
        INFO(path);
        const auto original = read_file(path);
        CHECK(rewrite(parse(original)) == original);
    }
    CHECK(paths.size() == 24);
}

TEST_CASE("gguf writer: write() puts the same bytes in a file as to_bytes()", "[gguf][writer]") {
    const auto data = pattern_bytes(34 * 4, 9);
    gguf::Writer w;
    w.add_string("general.architecture", "llama");
    w.add_tensor("q", GgmlType::Q8_0, {32, 4}, data.data());
    const test::TempDir dir;
    const std::string path = dir.file("written.gguf");
    w.write(path);
    CHECK(read_file(path) == w.to_bytes());
}

TEST_CASE("gguf writer: unwritable paths fail with one error naming the path", "[gguf][writer]") {
    gguf::Writer w;
    w.add_u32("n", 1);
    REQUIRE_THROWS_WITH(w.write("/nonexistent-dir/out.gguf"),
                        Catch::StartsWith("/nonexistent-dir/out.gguf: cannot create"));
    const std::string dir = std::filesystem::temp_directory_path();
    REQUIRE_THROWS_WITH(w.write(dir), Catch::StartsWith(dir + ": cannot create"));
}

TEST_CASE("gguf writer: refuses what llama.cpp could not read", "[gguf][writer]") {
    const std::vector<uint8_t> data(4 * 256);
    gguf::Writer w;
    w.add_u32("key", 1);
    CHECK_THROWS_WITH(w.add_u32("key", 2), Catch::Contains("'key' added twice"));
    CHECK_THROWS_WITH(w.add_string("", "x"), Catch::Contains("empty"));
    CHECK_THROWS_WITH(w.add_u64("general.alignment", 32), Catch::Contains("general.alignment"));
    CHECK_THROWS_WITH(w.add_u32("general.alignment", 48), Catch::Contains("power of two"));
    CHECK_THROWS_WITH(w.add_array("a", ValueType::STRING, nullptr, 0), Catch::Contains("numeric"));
    w.add_tensor("t", GgmlType::F32, {16}, data.data());
    CHECK_THROWS_WITH(w.add_tensor("t", GgmlType::F32, {16}, data.data()), Catch::Contains("'t' added twice"));
    CHECK_THROWS_WITH(w.add_tensor(std::string(64, 'x'), GgmlType::F32, {16}, data.data()),
                      Catch::Contains("1 to 63 bytes"));
    CHECK_THROWS_WITH(w.add_tensor("zero", GgmlType::F32, {16, 0}, data.data()), Catch::Contains("zero"));
    CHECK_THROWS_WITH(w.add_tensor("5d", GgmlType::F32, {1, 1, 1, 1, 1}, data.data()),
                      Catch::Contains("5 dimensions"));
    CHECK_THROWS_WITH(w.add_tensor("q", GgmlType::Q4_K, {128}, data.data()),
                      Catch::Contains("not whole q4_K blocks of 256"));
    CHECK_THROWS_WITH(w.add_tensor("huge", GgmlType::F32, {1ull << 40, 1ull << 22}, data.data()),
                      Catch::Contains("too large"));
    CHECK_THROWS_WITH(w.add_tensor("null", GgmlType::F32, {16}, static_cast<const void*>(nullptr)),
                      Catch::Contains("no data"));
    CHECK(w.metadata_count() == 1);
    CHECK(w.tensor_count() == 1);
}
