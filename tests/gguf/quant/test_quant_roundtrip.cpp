// quantize -> dequantize: per-element error bounds that follow from each format, and exact round trips
// for values already on a format's grid.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <vector>

#include "gguf/quant/quant.h"
#include "support/quant_test_data.h"

using gguf::GgmlType;

namespace {

// Largest error of rounding v to half precision: half an ulp (2^-11 relative), or half the subnormal
// spacing 2^-24.
double f16_rounding(double v) { return std::max(std::fabs(v) * 0x1p-11, 0x1p-25); }

// Bell-shaped data at scales 1e-3 .. 1e3, then a constant, an all-negative and an outlier super-block.
constexpr size_t kBellElems = 6 * 4 * 256;  // the bell-shaped part of bound_test_floats()
std::vector<float> bound_test_floats() {
    constexpr float kScales[] = {1.0f, 0.001f, 1000.0f, 3.7f, 0.02f, 50.0f};
    test::SplitMix64 rng(99);
    std::vector<float> x;
    for (const float scale : kScales)
        for (int i = 0; i < 4 * 256; ++i) x.push_back(rng.bell() * scale);
    for (int i = 0; i < 256; ++i) x.push_back(-0.75f);
    for (int i = 0; i < 256; ++i) x.push_back(-std::fabs(rng.bell()));
    for (int i = 0; i < 256; ++i) x.push_back(i == 100 ? 40.0f : rng.bell() * 0.01f);
    return x;
}

std::vector<float> round_trip(GgmlType type, const std::vector<float>& x) {
    std::vector<uint8_t> bytes(*gguf::ggml_row_bytes(type, x.size()));
    std::vector<float> y(x.size());
    gguf::quantize_row(type, x.data(), bytes.data(), static_cast<int64_t>(x.size()));
    gguf::dequantize_row(type, bytes.data(), y.data(), static_cast<int64_t>(y.size()));
    return y;
}

struct Block {
    const float* x;
    int n;
    float min() const { return *std::min_element(x, x + n); }
    float max() const { return *std::max_element(x, x + n); }
    float signed_absmax() const {  // the first element of largest magnitude, with its sign
        float m = 0;
        for (int i = 0; i < n; ++i)
            if (std::fabs(x[i]) > std::fabs(m)) m = x[i];
        return m;
    }
};

// Checks |x - y| <= bound(block, element) for every element, block by block.
template <typename Bound>
void check_bound(GgmlType type, int block_elems, Bound bound) {
    const auto x = bound_test_floats();
    const auto y = round_trip(type, x);
    for (size_t start = 0; start < x.size(); start += block_elems) {
        const Block block{x.data() + start, block_elems};
        for (int i = 0; i < block_elems; ++i) {
            const double err = std::fabs(static_cast<double>(x[start + i]) - y[start + i]);
            const double allowed = bound(block, x[start + i]);
            if (err > allowed) {
                INFO("element " << start + i << ": x " << x[start + i] << " y " << y[start + i]);
                REQUIRE(err <= allowed);
            }
        }
    }
}

// Symmetric 32-element formats (Q4_0, Q5_0): d = max / -half, levels -half .. half - 1. Within the grid the
// error is at most d/2; the one value the grid cannot reach (x = -max, t = half) is clamped a whole step.
void check_symmetric_bound(GgmlType type, int half) {
    check_bound(type, 32, [half](const Block& b, float x) {
        const double d = b.signed_absmax() / -static_cast<double>(half);
        const double t = d != 0 ? x / d : 0;
        const double steps = t > half - 0.51 ? 1.0 : 0.5;
        return steps * std::fabs(d) + half * f16_rounding(d) + 1e-4 * std::fabs(d);
    });
}

// Offset formats (Q4_1, Q5_1): d = (max - min) / levels, m = min; the error is at most d/2 plus the
// rounding of d and m to half precision.
void check_offset_bound(GgmlType type, int levels) {
    check_bound(type, 32, [levels](const Block& b, float) {
        const double d = (static_cast<double>(b.max()) - b.min()) / levels;
        return 0.5 * d + levels * f16_rounding(d) + f16_rounding(b.min()) + 1e-4 * d +
               1e-6 * std::max(std::fabs(b.min()), std::fabs(b.max()));
    });
}

// The K-quants search each sub-block's scale, then store it in a few bits relative to the super-block's
// largest (scale_levels steps) and the super-block scales as f16, so the bound has three parts, with
// step = sub-block range / (levels - 1): 1.5 steps for rounding (half a step) plus clipping by the scale
// search; super-block range / scale_levels for rounding the sub-block scale and min (each moves a value
// by at most half a scale step times the largest level); and the f16 rounding of the super-block scale and
// min: 2^-11 of the super-block's magnitude, or 2^-25 times the largest multiplier sc * q when subnormal.
// Over the bell-shaped sub-blocks the RMS error is below 0.36 steps (uniform rounding: 1/sqrt(12) = 0.29).
void check_k_quant_error(GgmlType type, int sub_block, int levels, int scale_levels) {
    const auto x = bound_test_floats();
    const auto y = round_trip(type, x);
    double rms_steps_sum = 0;
    int sub_blocks = 0;
    for (size_t start = 0; start < x.size(); start += sub_block) {
        const Block super{x.data() + start / 256 * 256, 256};
        const double super_range = static_cast<double>(super.max()) - super.min();
        const double multiplier = static_cast<double>(scale_levels) * (levels - 1);
        const double f16_error = std::fabs(super.signed_absmax()) * 0x1p-11 + multiplier * 0x1p-25;
        const double super_slack = super_range / scale_levels + 2 * f16_error;
        const Block block{x.data() + start, sub_block};
        const double step = (static_cast<double>(block.max()) - block.min()) / (levels - 1);
        double sum_sq = 0;
        for (int i = 0; i < sub_block; ++i) {
            const double err = std::fabs(static_cast<double>(x[start + i]) - y[start + i]);
            INFO("element " << start + i << ": x " << x[start + i] << " y " << y[start + i] << " step " << step);
            REQUIRE(err <= 1.5 * step + super_slack);
            sum_sq += err * err;
        }
        if (start < kBellElems) {
            rms_steps_sum += std::sqrt(sum_sq / sub_block) / step;
            ++sub_blocks;
        }
    }
    CHECK(rms_steps_sum / sub_blocks < 0.36);
}

}  // namespace

TEST_CASE("quant round trip: float formats round each value to nearest", "[quant]") {
    const auto x = bound_test_floats();
    CHECK(round_trip(GgmlType::F32, x) == x);
    const auto half = round_trip(GgmlType::F16, x);
    const auto brain = round_trip(GgmlType::BF16, x);
    for (size_t i = 0; i < x.size(); ++i) {
        CHECK(std::fabs(static_cast<double>(x[i]) - half[i]) <= f16_rounding(x[i]));
        CHECK(std::fabs(static_cast<double>(x[i]) - brain[i]) <= std::fabs(x[i]) * 0x1p-8);
    }
}

TEST_CASE("quant round trip: Q8_0 error is at most d/2, d = absmax / 127", "[quant]") {
    check_bound(GgmlType::Q8_0, 32, [](const Block& b, float) {
        const double d = std::fabs(b.signed_absmax()) / 127;
        return 0.5 * d + 127 * f16_rounding(d) + 1e-4 * d;
    });
}

TEST_CASE("quant round trip: Q4_0 and Q5_0 error is at most d/2 inside the grid, d at its clamped end", "[quant]") {
    check_symmetric_bound(GgmlType::Q4_0, 8);
    check_symmetric_bound(GgmlType::Q5_0, 16);
}

TEST_CASE("quant round trip: Q4_1 and Q5_1 error is at most d/2, d = range / levels", "[quant]") {
    check_offset_bound(GgmlType::Q4_1, 15);
    check_offset_bound(GgmlType::Q5_1, 31);
}

TEST_CASE("quant round trip: Q8_K error is at most d/2, d = absmax / 127 in float32", "[quant]") {
    check_bound(GgmlType::Q8_K, 256, [](const Block& b, float) {
        const double d = std::fabs(b.signed_absmax()) / 127;
        return 0.5 * d * (1 + 1e-4);
    });
}

TEST_CASE("quant round trip: K-quant errors stay within their sub-block steps", "[quant]") {
    SECTION("q2_K") { check_k_quant_error(GgmlType::Q2_K, 16, 4, 15); }
    SECTION("q3_K") { check_k_quant_error(GgmlType::Q3_K, 16, 8, 32); }
    SECTION("q4_K") { check_k_quant_error(GgmlType::Q4_K, 32, 16, 63); }
    SECTION("q5_K") { check_k_quant_error(GgmlType::Q5_K, 32, 32, 63); }
    SECTION("q6_K") { check_k_quant_error(GgmlType::Q6_K, 16, 64, 128); }
}

TEST_CASE("quant round trip: values on a format's grid come back exactly", "[quant]") {
    test::SplitMix64 rng(5);
    auto level = [&rng](int lo, int hi) {
        return lo + static_cast<int>(rng.next() % static_cast<uint64_t>(hi - lo + 1));
    };
    // Each 32-block holds levels * d (+ m) with the extreme levels that pin d (and m) present.
    auto grid = [&](int block, int lo, int hi, float d, float m, std::vector<int> pinned) {
        std::vector<float> x(8 * block);
        for (size_t i = 0; i < x.size(); ++i) {
            const size_t j = i % block;
            const int q = j < pinned.size() ? pinned[j] : level(lo, hi);
            x[i] = static_cast<float>(q) * d + m;
        }
        return x;
    };
    const auto q4_0 = grid(32, -8, 7, 0.125f, 0.0f, {-8});
    CHECK(round_trip(GgmlType::Q4_0, q4_0) == q4_0);
    const auto q5_0 = grid(32, -16, 15, 0.0625f, 0.0f, {-16});
    CHECK(round_trip(GgmlType::Q5_0, q5_0) == q5_0);
    const auto q8_0 = grid(32, -127, 127, 0.0625f, 0.0f, {127});
    CHECK(round_trip(GgmlType::Q8_0, q8_0) == q8_0);
    const auto q4_1 = grid(32, 0, 15, 0.25f, -1.5f, {0, 15});
    CHECK(round_trip(GgmlType::Q4_1, q4_1) == q4_1);
    const auto q5_1 = grid(32, 0, 31, 0.125f, -3.0f, {0, 31});
    CHECK(round_trip(GgmlType::Q5_1, q5_1) == q5_1);
    const auto q8_k = grid(256, -127, 127, 0.0625f, 0.0f, {-127});
    CHECK(round_trip(GgmlType::Q8_K, q8_k) == q8_k);
    // Every finite half and bfloat16 value converts to float and back unchanged.
    std::vector<float> halves, brains;
    for (uint32_t bits = 0; bits < 0x10000; ++bits) {
        const auto h = static_cast<uint16_t>(bits);
        float f;
        if ((h & 0x7C00) != 0x7C00) {
            gguf::dequantize_row(GgmlType::F16, &h, &f, 1);
            halves.push_back(f);
        }
        if ((h & 0x7F80) != 0x7F80) {
            gguf::dequantize_row(GgmlType::BF16, &h, &f, 1);
            brains.push_back(f);
        }
    }
    CHECK(round_trip(GgmlType::F16, halves) == halves);
    CHECK(round_trip(GgmlType::BF16, brains) == brains);
}
