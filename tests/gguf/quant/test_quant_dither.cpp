// Stochastic (dithered) dequantization of Q4_0 and Q4_K (spec 10.3).
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <vector>

#include "gguf/quant/blocks.h"
#include "gguf/quant/dither.h"
#include "gguf/quant/fp16.h"
#include "gguf/quant/quant.h"
#include "support/quant_test_data.h"

using gguf::GgmlType;

namespace {

constexpr int kElems = 1024;

std::vector<uint8_t> quantized(GgmlType type) {
    test::SplitMix64 rng(3);
    std::vector<float> x(kElems);
    for (auto& v : x) v = rng.bell();
    std::vector<uint8_t> bytes(*gguf::ggml_row_bytes(type, kElems));
    gguf::quantize_row(type, x.data(), bytes.data(), kElems);
    return bytes;
}

std::vector<float> deterministic(GgmlType type, const std::vector<uint8_t>& bytes) {
    std::vector<float> y(kElems);
    gguf::dequantize_row(type, bytes.data(), y.data(), kElems);
    return y;
}

std::vector<float> dithered(GgmlType type, const std::vector<uint8_t>& bytes, uint64_t seed) {
    std::vector<float> y(kElems);
    gguf::DitherStream noise(seed);
    gguf::dequantize_row_dithered(type, bytes.data(), y.data(), kElems, noise);
    return y;
}

// The quantization step of each element: |d| for Q4_0 (d is negative when the extreme is positive),
// d * sc of its sub-block for Q4_K.
std::vector<float> steps(GgmlType type, const std::vector<uint8_t>& bytes) {
    std::vector<float> step(kElems);
    for (int e = 0; e < kElems; ++e) {
        if (type == GgmlType::Q4_0) {
            step[e] = std::fabs(gguf::fp16_to_fp32(reinterpret_cast<const gguf::BlockQ4_0*>(bytes.data())[e / 32].d));
        } else {
            const auto& block = reinterpret_cast<const gguf::BlockQ4_K*>(bytes.data())[e / 256];
            step[e] = gguf::fp16_to_fp32(block.d) * static_cast<float>(test::k4_scale(block.scales, e % 256 / 32));
        }
    }
    return step;
}

}  // namespace

TEST_CASE("dither: splitmix64 and the xorshift64 stream follow spec 10.3", "[quant][dither]") {
    CHECK(gguf::splitmix64(0) == 0xE220A8397B1DCDAFull);  // splitmix64's published first output for seed 0
    for (const uint64_t seed : {0ull, 42ull, 43ull, 99ull}) {
        uint64_t state = gguf::splitmix64(seed);
        gguf::DitherStream noise(seed);
        for (int i = 0; i < 100; ++i) {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            REQUIRE(noise.next() == static_cast<float>(state >> 40) / 16777216.0f - 0.5f);
        }
    }
}

TEST_CASE("dither: noise is uniform between -0.5 and 0.5 with mean 0", "[quant][dither]") {
    gguf::DitherStream noise(42);
    double sum = 0, sum_sq = 0;
    float lowest = 1, highest = -1;
    constexpr int kDraws = 100000;
    for (int i = 0; i < kDraws; ++i) {
        const float u = noise.next();
        lowest = std::min(lowest, u);
        highest = std::max(highest, u);
        sum += u;
        sum_sq += static_cast<double>(u) * u;
    }
    CHECK(lowest >= -0.5f);
    CHECK(highest < 0.5f);
    CHECK(std::fabs(sum / kDraws) < 0.005);                    // sd of the mean: 0.29 / sqrt(1e5) = 0.0009
    CHECK(std::fabs(sum_sq / kDraws - 1.0 / 12) < 0.005);      // variance of U(-0.5, 0.5)
}

TEST_CASE("dither: the same seed gives identical values, adjacent seeds different ones", "[quant][dither]") {
    for (const GgmlType type : {GgmlType::Q4_0, GgmlType::Q4_K}) {
        INFO(gguf::ggml_type_name(type));
        const auto bytes = quantized(type);
        CHECK(dithered(type, bytes, 99) == dithered(type, bytes, 99));
        const auto a = dithered(type, bytes, 42), b = dithered(type, bytes, 43);
        int differ = 0;
        for (int e = 0; e < kElems; ++e) differ += a[e] != b[e];
        CHECK(differ > kElems * 9 / 10);
    }
}

TEST_CASE("dither: each value is within half a step of the deterministic one", "[quant][dither]") {
    for (const GgmlType type : {GgmlType::Q4_0, GgmlType::Q4_K}) {
        INFO(gguf::ggml_type_name(type));
        const auto bytes = quantized(type);
        const auto exact = deterministic(type, bytes);
        const auto step = steps(type, bytes);
        float worst = 0;  // largest |noisy - exact| beyond half a step
        for (const uint64_t seed : {1ull, 42ull, 99ull}) {
            const auto noisy = dithered(type, bytes, seed);
            for (int e = 0; e < kElems; ++e) worst = std::max(worst, std::fabs(noisy[e] - exact[e]) - 0.5f * step[e]);
        }
        CHECK(worst <= 1e-6f);
    }
}

TEST_CASE("dither: over seeds 1..256 the mean is the deterministic value", "[quant][dither]") {
    for (const GgmlType type : {GgmlType::Q4_0, GgmlType::Q4_K}) {
        INFO(gguf::ggml_type_name(type));
        const auto bytes = quantized(type);
        const auto exact = deterministic(type, bytes);
        const auto step = steps(type, bytes);
        std::vector<double> sum(kElems, 0.0);
        for (uint64_t seed = 1; seed <= 256; ++seed) {
            const auto noisy = dithered(type, bytes, seed);
            for (int e = 0; e < kElems; ++e) sum[e] += noisy[e];
        }
        // The mean of 256 draws of U(-0.5, 0.5) has sd 0.018; 0.06 steps is 3.3 sd.
        double worst = 0;  // in steps
        for (int e = 0; e < kElems; ++e) worst = std::max(worst, std::fabs(sum[e] / 256 - exact[e]) / step[e]);
        CHECK(worst <= 0.06);
    }
}

TEST_CASE("dither: other types dequantize deterministically and draw no noise", "[quant][dither]") {
    for (const GgmlType type : {GgmlType::Q8_0, GgmlType::Q5_0, GgmlType::Q6_K, GgmlType::Q4_1, GgmlType::F16}) {
        INFO(gguf::ggml_type_name(type));
        CHECK_FALSE(gguf::dither_applies(type));
        const auto bytes = quantized(type);
        gguf::DitherStream noise(42);
        std::vector<float> y(kElems);
        gguf::dequantize_row_dithered(type, bytes.data(), y.data(), kElems, noise);
        CHECK(y == deterministic(type, bytes));
        CHECK(noise.next() == gguf::DitherStream(42).next());
    }
    CHECK(gguf::dither_applies(GgmlType::Q4_0));
    CHECK(gguf::dither_applies(GgmlType::Q4_K));
}

TEST_CASE("dither: row streams differ by seed, tensor and row", "[quant][dither]") {
    const uint64_t base = gguf::dither_row_seed(42, "blk.0.attn_q.weight", 0);
    CHECK(base == gguf::dither_row_seed(42, "blk.0.attn_q.weight", 0));
    CHECK(base != gguf::dither_row_seed(43, "blk.0.attn_q.weight", 0));
    CHECK(base != gguf::dither_row_seed(42, "blk.0.attn_k.weight", 0));
    CHECK(base != gguf::dither_row_seed(42, "blk.0.attn_q.weight", 1));
    const uint64_t next_row = gguf::dither_row_seed(42, "blk.0.attn_q.weight", 1);
    CHECK(gguf::DitherStream(base).next() != gguf::DitherStream(next_row).next());
}

TEST_CASE("dither: a partial block is an error", "[quant][dither]") {
    std::vector<uint8_t> bytes(144);
    std::vector<float> y(256);
    gguf::DitherStream noise(1);
    REQUIRE_THROWS_WITH(gguf::dequantize_row_dithered(GgmlType::Q4_K, bytes.data(), y.data(), 100, noise),
                        Catch::Contains("q4_K") && Catch::Contains("100"));
}
