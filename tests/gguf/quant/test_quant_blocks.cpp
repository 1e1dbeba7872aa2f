// Hand-made blocks of every format against values worked out from the format's definition
// (spec 10.2 and the layouts in gguf/quant/blocks.h), one element at a time.
#include <catch2/catch.hpp>

#include <cstring>
#include <vector>

#include "gguf/quant/blocks.h"
#include "gguf/quant/fp16.h"
#include "gguf/quant/quant.h"
#include "support/quant_test_data.h"

using gguf::GgmlType;

namespace {

template <typename Block>
std::vector<float> dequantize(GgmlType type, const Block& block) {
    std::vector<float> out(gguf::ggml_type_info(type).block_elems);
    gguf::dequantize_row(type, &block, out.data(), static_cast<int64_t>(out.size()));
    return out;
}

template <size_t N>
void fill_random(uint8_t (&bytes)[N], uint64_t seed) {
    test::SplitMix64 rng(seed);
    for (auto& b : bytes) b = static_cast<uint8_t>(rng.next());
}

// K-quant element e of a Q2_K / Q3_K super-block: half h, shift k, part p, index l (e = 128h + 32k + 16p + l).
struct Q23Position {
    int h, k, p, l;
    explicit Q23Position(int e) : h(e / 128), k(e % 128 / 32), p(e % 32 / 16), l(e % 16) {}
    int qs_byte() const { return 32 * h + 16 * p + l; }
    int sub_block() const { return 8 * h + 2 * k + p; }
};

// The 6-bit scales and mins these twelve bytes encode in Q4_K / Q5_K, worked out by hand.
constexpr uint8_t kK4Scales[12] = {0x41, 0x82, 0xC3, 0x04, 0x45, 0x86, 0xC7, 0x08, 0x21, 0x43, 0x65, 0x87};
constexpr int kK4Sc[8] = {1, 2, 3, 4, 17, 35, 53, 7};
constexpr int kK4M[8] = {5, 6, 7, 8, 18, 36, 54, 8};

}  // namespace

TEST_CASE("quant blocks: Q4_1 is q * d + m", "[quant]") {
    gguf::BlockQ4_1 block{};
    block.d = gguf::fp32_to_fp16(0.5f);
    block.m = gguf::fp32_to_fp16(-3.0f);
    for (int j = 0; j < 16; ++j) block.qs[j] = static_cast<uint8_t>(j | ((15 - j) << 4));
    const auto out = dequantize(GgmlType::Q4_1, block);
    for (int j = 0; j < 16; ++j) {
        CHECK(out[j] == 0.5f * static_cast<float>(j) - 3.0f);
        CHECK(out[j + 16] == 0.5f * static_cast<float>(15 - j) - 3.0f);
    }
}

TEST_CASE("quant blocks: Q5_0 and Q5_1 take the fifth bit of element j from bit j of qh", "[quant]") {
    gguf::BlockQ5_0 q5_0{};
    gguf::BlockQ5_1 q5_1{};
    q5_0.d = q5_1.d = gguf::fp32_to_fp16(2.0f);
    q5_1.m = gguf::fp32_to_fp16(1.0f);
    const uint32_t qh = 0xA5C3F00Fu;
    std::memcpy(q5_0.qh, &qh, 4);
    std::memcpy(q5_1.qh, &qh, 4);
    for (int j = 0; j < 16; ++j) q5_0.qs[j] = q5_1.qs[j] = static_cast<uint8_t>(((3 * j) & 15) | ((j ^ 9) << 4));
    const auto out0 = dequantize(GgmlType::Q5_0, q5_0);
    const auto out1 = dequantize(GgmlType::Q5_1, q5_1);
    for (int e = 0; e < 32; ++e) {
        const int low = e < 16 ? (3 * e) & 15 : (e - 16) ^ 9;
        const int q = low | static_cast<int>(((qh >> e) & 1) << 4);
        CHECK(out0[e] == 2.0f * static_cast<float>(q - 16));
        CHECK(out1[e] == 2.0f * static_cast<float>(q) + 1.0f);
    }
}

TEST_CASE("quant blocks: Q8_0 and Q8_K are d * q over the whole int8 range", "[quant]") {
    gguf::BlockQ8_0 q8_0{};
    q8_0.d = gguf::fp32_to_fp16(0.25f);
    for (int j = 0; j < 32; ++j) q8_0.qs[j] = static_cast<int8_t>(j % 2 ? 127 - j : -128 + j);
    const auto out0 = dequantize(GgmlType::Q8_0, q8_0);
    for (int j = 0; j < 32; ++j) CHECK(out0[j] == 0.25f * static_cast<float>(q8_0.qs[j]));
    gguf::BlockQ8_K q8_k{};
    q8_k.d = -0.125f;
    for (int j = 0; j < 256; ++j) q8_k.qs[j] = static_cast<int8_t>(j - 128);
    const auto outk = dequantize(GgmlType::Q8_K, q8_k);
    for (int j = 0; j < 256; ++j) CHECK(outk[j] == -0.125f * static_cast<float>(j - 128));
}

TEST_CASE("quant blocks: Q2_K is (d * sc) * q - dmin * m with 4-bit sc and m per 16 elements", "[quant]") {
    gguf::BlockQ2_K block{};
    fill_random(block.qs, 1);
    for (int j = 0; j < 16; ++j) block.scales[j] = static_cast<uint8_t>(j | ((15 - j) << 4));  // sc = j, m = 15 - j
    block.d = gguf::fp32_to_fp16(0.5f);
    block.dmin = gguf::fp32_to_fp16(0.125f);
    const auto out = dequantize(GgmlType::Q2_K, block);
    for (int e = 0; e < 256; ++e) {
        const Q23Position at(e);
        const int q = (block.qs[at.qs_byte()] >> (2 * at.k)) & 3;
        const int j = at.sub_block();
        CHECK(out[e] == 0.5f * static_cast<float>(j) * static_cast<float>(q) - 0.125f * static_cast<float>(15 - j));
    }
}

TEST_CASE("quant blocks: Q3_K has 6-bit signed scales and a high bit per element in hmask", "[quant]") {
    gguf::BlockQ3_K block{};
    fill_random(block.qs, 2);
    fill_random(block.hmask, 3);
    const uint8_t scales[12] = {0x10, 0x32, 0x54, 0x76, 0x98, 0xBA, 0xDC, 0xFE, 0xE4, 0x1B, 0x00, 0xFF};
    std::memcpy(block.scales, scales, 12);
    // Low nibbles 0, 2, .., 14 then 1, 3, .., 15; high bits from bytes 8..11, two bits per group of four.
    const int expected_scale[16] = {-32, 18, -28, 22, -8, 10, -20, 30, 1, -13, -27, 23, 25, -21, -19, 31};
    block.d = gguf::fp32_to_fp16(0.5f);
    const auto out = dequantize(GgmlType::Q3_K, block);
    for (int e = 0; e < 256; ++e) {
        const Q23Position at(e);
        const int low = (block.qs[at.qs_byte()] >> (2 * at.k)) & 3;
        const bool high = (block.hmask[16 * at.p + at.l] >> (4 * at.h + at.k)) & 1;
        const int q = low - (high ? 0 : 4);
        CHECK(out[e] == 0.5f * static_cast<float>(expected_scale[at.sub_block()]) * static_cast<float>(q));
    }
}

TEST_CASE("quant blocks: Q4_K and Q5_K unpack 6-bit scales and mins of 8 sub-blocks of 32", "[quant]") {
    gguf::BlockQ4_K q4{};
    gguf::BlockQ5_K q5{};
    q4.d = q5.d = gguf::fp32_to_fp16(0.5f);
    q4.dmin = q5.dmin = gguf::fp32_to_fp16(0.25f);
    std::memcpy(q4.scales, kK4Scales, 12);
    std::memcpy(q5.scales, kK4Scales, 12);
    fill_random(q4.qs, 4);
    std::memcpy(q5.qs, q4.qs, sizeof q5.qs);
    fill_random(q5.qh, 5);
    const auto out4 = dequantize(GgmlType::Q4_K, q4);
    const auto out5 = dequantize(GgmlType::Q5_K, q5);
    for (int e = 0; e < 256; ++e) {
        // Element 64 g + 32 u + l: nibble u of qs[32 g + l], sub-block 2 g + u, fifth bit (2 g + u) of qh[l].
        const int g = e / 64, u = e % 64 / 32, l = e % 32;
        const int nibble = (q4.qs[32 * g + l] >> (4 * u)) & 15;
        const int high = (q5.qh[l] >> (2 * g + u)) & 1;
        const int sub = 2 * g + u;
        const float scale = 0.5f * static_cast<float>(kK4Sc[sub]);
        const float min = 0.25f * static_cast<float>(kK4M[sub]);
        CHECK(out4[e] == scale * static_cast<float>(nibble) - min);
        CHECK(out5[e] == scale * static_cast<float>(nibble + 16 * high) - min);
    }
}

TEST_CASE("quant blocks: Q6_K is d * sc * (q - 32) with q split into ql nibbles and qh bit pairs", "[quant]") {
    gguf::BlockQ6_K block{};
    fill_random(block.ql, 6);
    fill_random(block.qh, 7);
    for (int j = 0; j < 16; ++j) block.scales[j] = static_cast<int8_t>(j % 2 ? -9 * j : 8 * j - 128);
    block.d = gguf::fp32_to_fp16(0.0625f);
    const auto out = dequantize(GgmlType::Q6_K, block);
    for (int e = 0; e < 256; ++e) {
        // Element 128 h + 32 quarter + l: low nibble from ql[64 h + l (+32 for odd quarters)], low half for
        // quarters 0-1, high half for 2-3; bits 2 quarter of qh[32 h + l]; scale 8 h + l / 16 + 2 quarter.
        const int h = e / 128, quarter = e % 128 / 32, l = e % 32;
        const uint8_t ql = block.ql[64 * h + l + 32 * (quarter % 2)];
        const int low = quarter < 2 ? ql & 15 : ql >> 4;
        const int high = (block.qh[32 * h + l] >> (2 * quarter)) & 3;
        const int sc = block.scales[8 * h + l / 16 + 2 * quarter];
        CHECK(out[e] == 0.0625f * static_cast<float>(sc) * static_cast<float>((low | (high << 4)) - 32));
    }
}
