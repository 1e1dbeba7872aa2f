// Our quantizers and dequantizers against llama.cpp's on seeded data (tests/support/quant_test_data.h):
// the expected hashes were printed by llama.cpp's own type traits through scripts/llama-quant-hashes.sh.
// These cover the types that have no golden file in ../shared (q4_1, q5_1, q2_K, q3_K, q5_K, bf16, q8_K).
#include <catch2/catch.hpp>

#include <cstring>
#include <string>
#include <vector>

#include "gguf/gguf_file.h"
#include "gguf/quant/quant.h"
#include "support/fnv1a64.h"
#include "support/quant_test_data.h"
#include "support/shared_data.h"

using gguf::GgmlType;

namespace {

struct LlamaHashes {
    GgmlType type;
    const char* quantized;     // fnv1a64 of quantize_row(seeded_floats())
    const char* dequantized;   // fnv1a64 of dequantize_row of those bytes
    const char* random_blocks; // fnv1a64 of dequantize_row(seeded_blocks(type, 4096))
};

// Output of scripts/llama-quant-hashes.sh (llama.cpp 0.4.0-dev, node-llama-cpp 3.21.1's libggml-base).
constexpr LlamaHashes kLlama[] = {
    {GgmlType::F16, "3947b5175284b70b", "41388ac0601e858b", "2c16635846fec6a7"},
    {GgmlType::BF16, "b4825b4ddd1176a4", "aa50d9d85bbf7e14", "c76f76be3e4a859f"},
    {GgmlType::Q4_0, "006b4b227fa48848", "66e8768a50a30ca9", "1ff5a041eae55977"},
    {GgmlType::Q4_1, "8418fa3d6e76cb9c", "c2f431e6598fe221", "503861913e68dd0f"},
    {GgmlType::Q5_0, "7e9dbdc92ded1841", "e497fab7fe4b212b", "251a9230de75758b"},
    {GgmlType::Q5_1, "c1e1c28fd55e30bf", "537f1f9fe81e26af", "1be24d42fb230b7b"},
    {GgmlType::Q8_0, "bcb2f629adb823b7", "260689362aeecfc0", "cb63d1390b6612e4"},
    {GgmlType::Q2_K, "1f73d72f99bd2d69", "289d06a3f6227dbb", "70aa7fcdabdf3b18"},
    {GgmlType::Q3_K, "3a448aa609c4119c", "59a4560766b20d25", "787f5ae6bf89b3a6"},
    {GgmlType::Q4_K, "ffee95389dc8017b", "96651ab06eddcaf5", "a5ef2d6a1ed1e850"},
    {GgmlType::Q5_K, "421f35f8197a996a", "cdcc5529892e950a", "440a44fbf1bc1a4b"},
    {GgmlType::Q6_K, "0a504a238a9bfc82", "3da9cad0bcf4149b", "d3c94bb5c47731d4"},
    {GgmlType::Q8_K, "daf90e3fa2d62f9e", "57e03570404051b0", "6e7f2d6bfd40a322"},
};

template <typename T>
std::string hash_of(const std::vector<T>& values) {
    return test::hex64(test::fnv1a64(values.data(), values.size() * sizeof(T)));
}

std::vector<uint8_t> quantized_bytes(GgmlType type, const std::vector<float>& x) {
    std::vector<uint8_t> bytes(*gguf::ggml_row_bytes(type, x.size()));
    gguf::quantize_row(type, x.data(), bytes.data(), static_cast<int64_t>(x.size()));
    return bytes;
}

}  // namespace

TEST_CASE("quant vs llama.cpp: seeded floats quantize to llama.cpp's reference bytes", "[quant][llama]") {
    const auto x = test::seeded_floats();
    for (const auto& expected : kLlama) {
        INFO(gguf::ggml_type_name(expected.type));
        CHECK(hash_of(quantized_bytes(expected.type, x)) == expected.quantized);
    }
}

TEST_CASE("quant vs llama.cpp: quantized seeded floats dequantize to llama.cpp's values", "[quant][llama]") {
    const auto x = test::seeded_floats();
    for (const auto& expected : kLlama) {
        INFO(gguf::ggml_type_name(expected.type));
        const auto bytes = quantized_bytes(expected.type, x);
        std::vector<float> y(x.size());
        gguf::dequantize_row(expected.type, bytes.data(), y.data(), static_cast<int64_t>(y.size()));
        CHECK(hash_of(y) == expected.dequantized);
    }
}

TEST_CASE("quant vs llama.cpp: random blocks (every bit pattern of qs, scales, masks) dequantize alike",
          "[quant][llama]") {
    constexpr int kElems = 4096;
    for (const auto& expected : kLlama) {
        INFO(gguf::ggml_type_name(expected.type));
        const auto blocks = test::seeded_blocks(expected.type, kElems);
        std::vector<float> y(kElems);
        gguf::dequantize_row(expected.type, blocks.data(), y.data(), kElems);
        CHECK(hash_of(y) == expected.random_blocks);
    }
}

TEST_CASE("quant vs llama.cpp: stories260K's F32 weights quantize to the tensors of llama.cpp's files",
          "[quant][llama]") {
    SKIP_WITHOUT_SHARED();
    const auto source = gguf::File::open(test::shared_path("models/stories260K.gguf"));
    for (const char* name : {"stories260K-F16", "stories260K-Q8_0", "stories260K-Q5_0", "stories260K-Q4_0"}) {
        const auto made = gguf::File::open(test::shared_path(std::string("models/quant/") + name + ".gguf"));
        int compared = 0;
        for (const auto& tensor : made.tensors()) {
            if (tensor.type == GgmlType::F32) continue;
            INFO(name << " " << tensor.name << " " << gguf::ggml_type_name(tensor.type));
            const auto& f32 = source.tensor(tensor.name);
            REQUIRE(f32.type == GgmlType::F32);
            std::vector<float> x(f32.n_elements);
            std::memcpy(x.data(), f32.data, f32.n_bytes);
            std::vector<uint8_t> ours(tensor.n_bytes);
            gguf::quantize_row(tensor.type, x.data(), ours.data(), static_cast<int64_t>(x.size()));
            CHECK(std::memcmp(ours.data(), tensor.data, tensor.n_bytes) == 0);
            ++compared;
        }
        CHECK(compared == 37);  // every 2-D weight (the 1-D norms stay f32)
    }
}
