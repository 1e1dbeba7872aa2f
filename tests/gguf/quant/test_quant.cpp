// The quant API: the traits table, checked entry points and hand-made blocks with known values.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstring>
#include <vector>

#include "gguf/quant/blocks.h"
#include "gguf/quant/fp16.h"
#include "gguf/quant/quant.h"
#include "gguf/quant/quant_error.h"

using gguf::GgmlType;

namespace {

constexpr GgmlType kSupported[] = {GgmlType::F32,  GgmlType::F16,  GgmlType::BF16, GgmlType::Q4_0, GgmlType::Q4_1,
                                   GgmlType::Q5_0, GgmlType::Q5_1, GgmlType::Q8_0, GgmlType::Q2_K, GgmlType::Q3_K,
                                   GgmlType::Q4_K, GgmlType::Q5_K, GgmlType::Q6_K, GgmlType::Q8_K};

template <typename Block>
std::vector<float> dequantize_block(GgmlType type, const Block& block) {
    std::vector<float> out(gguf::ggml_type_info(type).block_elems);
    gguf::dequantize_row(type, &block, out.data(), static_cast<int64_t>(out.size()));
    return out;
}

}  // namespace

TEST_CASE("quant traits: every supported type has both directions, others have none", "[quant]") {
    for (const GgmlType type : kSupported) {
        const auto* traits = gguf::quant_traits(type);
        REQUIRE(traits != nullptr);
        CHECK(traits->type == type);
        CHECK(traits->dequantize_row != nullptr);
        CHECK(traits->quantize_row != nullptr);
    }
    CHECK(gguf::quant_traits(GgmlType::IQ2_XXS) == nullptr);
    CHECK(gguf::quant_traits(GgmlType::Q8_1) == nullptr);
    CHECK(gguf::quant_traits(GgmlType::I32) == nullptr);
}

TEST_CASE("quant: unsupported types and partial blocks are errors naming the type", "[quant]") {
    std::vector<float> out(256);
    std::vector<uint8_t> bytes(1024);
    REQUIRE_THROWS_AS(gguf::dequantize_row(GgmlType::IQ4_NL, bytes.data(), out.data(), 32), gguf::QuantError);
    REQUIRE_THROWS_WITH(gguf::dequantize_row(GgmlType::IQ4_NL, bytes.data(), out.data(), 32),
                        Catch::Contains("iq4_nl"));
    REQUIRE_THROWS_WITH(gguf::quantize_row(GgmlType::TQ1_0, out.data(), bytes.data(), 256), Catch::Contains("tq1_0"));
    REQUIRE_THROWS_WITH(gguf::dequantize_row(GgmlType::Q4_0, bytes.data(), out.data(), 33),
                        Catch::Contains("q4_0") && Catch::Contains("33"));
    REQUIRE_THROWS_WITH(gguf::quantize_row(GgmlType::Q4_K, out.data(), bytes.data(), 128), Catch::Contains("q4_K"));
    REQUIRE_THROWS_AS(gguf::quantize_row(GgmlType::Q8_0, out.data(), bytes.data(), -32), gguf::QuantError);
    REQUIRE_NOTHROW(gguf::dequantize_row(GgmlType::Q8_0, bytes.data(), out.data(), 0));
}

TEST_CASE("quant: half-precision seed values (spec 10.2)", "[quant]") {
    const uint16_t halves[] = {0x3C00, 0x3800, 0xC000, 0x0001, 0x7C00};
    float out[5];
    gguf::dequantize_row(GgmlType::F16, halves, out, 5);
    CHECK(out[0] == 1.0f);
    CHECK(out[1] == 0.5f);
    CHECK(out[2] == -2.0f);
    CHECK(out[3] == 5.9604644775390625e-8f);  // the smallest subnormal, 2^-24
    CHECK(std::isinf(out[4]));
    const uint16_t bf16[] = {0x3F80, 0xC040};
    gguf::dequantize_row(GgmlType::BF16, bf16, out, 2);
    CHECK(out[0] == 1.0f);
    CHECK(out[1] == -3.0f);
}

TEST_CASE("quant: F16 rows convert every half exactly (NaNs stay NaN)", "[quant]") {
    std::vector<uint16_t> halves(0x10000);
    for (uint32_t h = 0; h < 0x10000; ++h) halves[h] = static_cast<uint16_t>(h);
    std::vector<float> out(halves.size());
    gguf::dequantize_row(GgmlType::F16, halves.data(), out.data(), static_cast<int64_t>(out.size()));
    int mismatches = 0;
    for (uint32_t h = 0; h < 0x10000; ++h) {
        const float expected = gguf::fp16_to_fp32(static_cast<uint16_t>(h));
        const bool same = std::isnan(expected) ? std::isnan(out[h])
                                               : gguf::float_bits(out[h]) == gguf::float_bits(expected);
        mismatches += !same;
    }
    CHECK(mismatches == 0);
}

TEST_CASE("quant: Q4_0 seed blocks (spec 10.2): 0x88 is all zero, 0xFF all 7, 0x00 all -8", "[quant]") {
    gguf::BlockQ4_0 block{};
    block.d = gguf::fp32_to_fp16(1.0f);
    std::memset(block.qs, 0x88, sizeof block.qs);
    for (const float v : dequantize_block(GgmlType::Q4_0, block)) CHECK(v == 0.0f);
    std::memset(block.qs, 0xFF, sizeof block.qs);
    for (const float v : dequantize_block(GgmlType::Q4_0, block)) CHECK(v == 7.0f);
    block.d = gguf::fp32_to_fp16(0.5f);
    std::memset(block.qs, 0x00, sizeof block.qs);
    for (const float v : dequantize_block(GgmlType::Q4_0, block)) CHECK(v == -4.0f);
}

TEST_CASE("quant: Q4_0 nibble order: element j is the low nibble of byte j, j + 16 the high one", "[quant]") {
    gguf::BlockQ4_0 block{};
    block.d = gguf::fp32_to_fp16(2.0f);
    for (int j = 0; j < 16; ++j) block.qs[j] = static_cast<uint8_t>(j | ((15 - j) << 4));
    const auto out = dequantize_block(GgmlType::Q4_0, block);
    for (int j = 0; j < 16; ++j) {
        CHECK(out[j] == 2.0f * static_cast<float>(j - 8));
        CHECK(out[j + 16] == 2.0f * static_cast<float>(7 - j));
    }
}

TEST_CASE("quant: zero scales unpack to zero in every format", "[quant]") {
    for (const GgmlType type : kSupported) {
        INFO(gguf::ggml_type_name(type));
        const auto& info = gguf::ggml_type_info(type);
        // All-zero bytes: every scale, min and half is zero, so every value is +0 or -0.
        std::vector<uint8_t> bytes(info.block_bytes, 0);
        std::vector<float> out(info.block_elems, 1.0f);
        gguf::dequantize_row(type, bytes.data(), out.data(), info.block_elems);
        for (const float v : out) CHECK(v == 0.0f);
    }
}
