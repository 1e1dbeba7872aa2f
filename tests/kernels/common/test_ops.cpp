// The element-wise operations of a transformer block against plain double-precision references.
#include <catch2/catch.hpp>

#include <cmath>
#include <random>
#include <vector>

#include "kernels/common/ops.h"
#include "kernels/common/rope.h"

namespace {

std::vector<float> random_values(size_t n, float scale, uint32_t seed) {
    std::mt19937 rng(seed);
    std::normal_distribution<float> dist(0.0f, scale);
    std::vector<float> v(n);
    for (float& x : v) x = dist(rng);
    return v;
}

}  // namespace

TEST_CASE("rms_norm: matches x / rms(x) * w and normalises to unit rms", "[ops]") {
    for (size_t n : {size_t{1}, size_t{7}, size_t{64}, size_t{576}, size_t{1000}}) {
        const auto x = random_values(n, 3.0f, 1 + static_cast<uint32_t>(n));
        const auto w = random_values(n, 1.0f, 2 + static_cast<uint32_t>(n));
        std::vector<float> out(n);
        kernels::rms_norm(x.data(), w.data(), out.data(), n, 1e-5f);
        double sum = 0;
        for (float v : x) sum += double(v) * v;
        const double inv_rms = 1.0 / std::sqrt(sum / double(n) + 1e-5);
        for (size_t i = 0; i < n; ++i) REQUIRE(out[i] == Approx(x[i] * inv_rms * w[i]).epsilon(1e-6).margin(1e-7));

        const std::vector<float> ones(n, 1.0f);
        kernels::rms_norm(x.data(), ones.data(), out.data(), n, 0.0f);
        double out_sum = 0;
        for (float v : out) out_sum += double(v) * v;
        CHECK(out_sum / double(n) == Approx(1.0).epsilon(1e-6));
    }
}

TEST_CASE("rms_norm: may write over its input", "[ops]") {
    auto x = random_values(100, 1.0f, 3);
    const auto w = random_values(100, 1.0f, 4);
    std::vector<float> expected(100);
    kernels::rms_norm(x.data(), w.data(), expected.data(), 100, 1e-6f);
    kernels::rms_norm(x.data(), w.data(), x.data(), 100, 1e-6f);
    CHECK(x == expected);
}

TEST_CASE("add_in_place: element-wise sum", "[ops]") {
    std::vector<float> x{1, 2, 3, -4.5f};
    const std::vector<float> y{0.5f, -2, 10, 4.5f};
    kernels::add_in_place(x.data(), y.data(), x.size());
    CHECK(x == std::vector<float>{1.5f, 0, 13, 0});
}

TEST_CASE("swiglu: silu(gate) * up within float rounding, including saturated inputs", "[ops]") {
    for (size_t n : {size_t{1}, size_t{63}, size_t{64}, size_t{65}, size_t{1536}}) {
        auto gate = random_values(n, 4.0f, 5 + static_cast<uint32_t>(n));
        gate[0] = n > 1 ? -120.0f : 120.0f;  // e^120 overflows float: silu must still be ~0 (or g)
        const auto up = random_values(n, 2.0f, 6 + static_cast<uint32_t>(n));
        std::vector<float> out = gate;
        kernels::swiglu_in_place(out.data(), up.data(), n);
        for (size_t i = 0; i < n; ++i) {
            const double g = gate[i];
            const double expected = g / (1.0 + std::exp(-g)) * up[i];
            REQUIRE(std::isfinite(out[i]));
            REQUIRE(out[i] == Approx(expected).epsilon(1e-5).margin(1e-30));
        }
    }
}

TEST_CASE("geglu: the tanh GELU of gate times up within float rounding, including saturated inputs", "[ops]") {
    for (size_t n : {size_t{1}, size_t{65}, size_t{512}}) {
        auto gate = random_values(n, 4.0f, 15 + static_cast<uint32_t>(n));
        gate[0] = n > 1 ? -60.0f : 60.0f;  // the cube overflows the exponential: gelu must still be ~0 (or g)
        const auto up = random_values(n, 2.0f, 16 + static_cast<uint32_t>(n));
        std::vector<float> out = gate;
        kernels::geglu_in_place(out.data(), up.data(), n);
        for (size_t i = 0; i < n; ++i) {
            const double g = gate[i];
            const double gelu = 0.5 * g * (1.0 + std::tanh(std::sqrt(2.0 / M_PI) * (g + 0.044715 * g * g * g)));
            REQUIRE(std::isfinite(out[i]));
            REQUIRE(out[i] == Approx(gelu * up[i]).epsilon(1e-5).margin(1e-6));
        }
    }
}

TEST_CASE("gelu and layer norm: the formulas, in place", "[ops]") {
    auto x = random_values(300, 4.0f, 21);
    const auto original = x;
    kernels::gelu_in_place(x.data(), x.size());
    for (size_t i = 0; i < x.size(); ++i) {
        const double g = original[i];
        REQUIRE(x[i] == Approx(0.5 * g * (1.0 + std::tanh(std::sqrt(2.0 / M_PI) * (g + 0.044715 * g * g * g))))
                            .epsilon(1e-5).margin(1e-6));
    }
    const auto weight = random_values(300, 1.0f, 22), bias = random_values(300, 1.0f, 23);
    std::vector<float> y = original;  // shifted far from 0: the mean must come off exactly enough
    for (float& v : y) v += 1000.0f;
    const auto shifted = y;
    kernels::layer_norm(y.data(), weight.data(), bias.data(), y.data(), y.size(), 1e-5f);
    double mean = 0, var = 0;
    for (float v : shifted) mean += v / 300.0;
    for (float v : shifted) var += (v - mean) * (v - mean) / 300.0;
    for (size_t i = 0; i < y.size(); ++i)
        REQUIRE(y[i] == Approx((shifted[i] - mean) / std::sqrt(var + 1e-5) * weight[i] + bias[i]).margin(2e-3));
}

TEST_CASE("softmax: sums to one, matches exp(x - max) / sum, returns the max", "[ops]") {
    for (size_t n : {size_t{1}, size_t{9}, size_t{485}, size_t{49152}}) {
        auto x = random_values(n, 5.0f, 7 + static_cast<uint32_t>(n));
        const auto original = x;
        const float max = kernels::softmax_in_place(x.data(), n);
        double reference_max = original[0], sum = 0, expected_sum = 0;
        for (float v : original) reference_max = std::max<double>(reference_max, v);
        CHECK(max == float(reference_max));
        for (float v : original) expected_sum += std::exp(double(v) - reference_max);
        for (size_t i = 0; i < n; ++i) {
            sum += x[i];
            REQUIRE(x[i] == Approx(std::exp(double(original[i]) - reference_max) / expected_sum).epsilon(1e-5).margin(1e-12));
        }
        CHECK(sum == Approx(1.0).epsilon(1e-5));
    }
}

TEST_CASE("rope: angles are pos * base^(-2i/d), and position 0 is the identity", "[ops]") {
    const kernels::Rope rope(64, 100000.0f);
    std::vector<float> cos(32), sin(32);
    for (int64_t pos : {0, 1, 17, 4095}) {
        rope.angles(pos, cos.data(), sin.data());
        for (size_t i = 0; i < 32; ++i) {
            const double theta = double(pos) * std::pow(100000.0, -2.0 * double(i) / 64.0);
            // the angle is built by repeated float products (as llama.cpp): relative error ~ i ulp
            REQUIRE(cos[i] == Approx(std::cos(theta)).margin(2e-3));
            REQUIRE(sin[i] == Approx(std::sin(theta)).margin(2e-3));
        }
    }
    auto x = random_values(3 * 64, 1.0f, 8);
    const auto original = x;
    rope.angles(0, cos.data(), sin.data());
    kernels::rope_rotate(x.data(), 3, 64, 64, cos.data(), sin.data());
    CHECK(x == original);
}

TEST_CASE("rope: rotates adjacent pairs, keeps their norms, leaves dims past rope_dim alone", "[ops]") {
    const size_t head_dim = 16, rope_dim = 8, heads = 2;
    const kernels::Rope rope(rope_dim, 10000.0f);
    std::vector<float> cos(rope_dim / 2), sin(rope_dim / 2);
    rope.angles(5, cos.data(), sin.data());
    auto x = random_values(heads * head_dim, 1.0f, 9);
    const auto original = x;
    kernels::rope_rotate(x.data(), heads, head_dim, rope_dim, cos.data(), sin.data());
    for (size_t h = 0; h < heads; ++h) {
        const float* a = original.data() + h * head_dim;
        const float* b = x.data() + h * head_dim;
        for (size_t i = 0; i < rope_dim / 2; ++i) {
            const double theta = 5.0 * std::pow(10000.0, -2.0 * double(i) / double(rope_dim));
            CHECK(b[2 * i] == Approx(a[2 * i] * std::cos(theta) - a[2 * i + 1] * std::sin(theta)).margin(1e-5));
            CHECK(b[2 * i + 1] == Approx(a[2 * i] * std::sin(theta) + a[2 * i + 1] * std::cos(theta)).margin(1e-5));
            CHECK(std::hypot(b[2 * i], b[2 * i + 1]) == Approx(std::hypot(a[2 * i], a[2 * i + 1])).epsilon(1e-5));
        }
        for (size_t d = rope_dim; d < head_dim; ++d) CHECK(b[d] == a[d]);
    }
}

TEST_CASE("rope: NeoX pairs the halves -- the adjacent rotation with the dims reordered", "[ops]") {
    const size_t head_dim = 16, rope_dim = 12, heads = 2, half = rope_dim / 2;
    const kernels::Rope rope(rope_dim, 10000.0f);
    std::vector<float> cos(half), sin(half);
    rope.angles(9, cos.data(), sin.data());
    const auto x = random_values(heads * head_dim, 1.0f, 12);
    // NeoX's pair (i, i + half) laid out as adjacent pair (2i, 2i + 1); dims past rope_dim stay in place
    auto adjacent_of = [&](size_t d) { return d >= rope_dim ? d : d < half ? 2 * d : 2 * (d - half) + 1; };
    std::vector<float> neox = x, reordered(x.size());
    kernels::rope_rotate(neox.data(), heads, head_dim, rope_dim, cos.data(), sin.data(), kernels::RopeStyle::Neox);
    for (size_t h = 0; h < heads; ++h)
        for (size_t d = 0; d < head_dim; ++d) reordered[h * head_dim + adjacent_of(d)] = x[h * head_dim + d];
    kernels::rope_rotate(reordered.data(), heads, head_dim, rope_dim, cos.data(), sin.data());
    for (size_t h = 0; h < heads; ++h)
        for (size_t d = 0; d < head_dim; ++d)  // up to the compiler's fused multiply-adds (aarch64 contracts)
            CHECK(neox[h * head_dim + d] == Approx(reordered[h * head_dim + adjacent_of(d)]).epsilon(1e-6).margin(1e-7));
}

TEST_CASE("rope: frequency factors divide each pair's angle (Llama 3's rope_freqs)", "[ops]") {
    const std::vector<float> factors = {1.0f, 1.0f, 2.5f, 8.0f, 32.0f, 1.0f, 4.0f, 0.5f};
    const kernels::Rope rope(16, 500000.0f, factors.data()), plain(16, 500000.0f);
    std::vector<float> cos(8), sin(8), plain_cos(8), plain_sin(8);
    for (int64_t pos : {0, 3, 1000, 70000}) {
        rope.angles(pos, cos.data(), sin.data());
        plain.angles(pos, plain_cos.data(), plain_sin.data());
        for (size_t i = 0; i < 8; ++i) {
            const double theta = double(pos) * std::pow(500000.0, -2.0 * double(i) / 16.0) / double(factors[i]);
            REQUIRE(cos[i] == Approx(std::cos(theta)).margin(2e-3 * (1 + double(pos) / 1000)));
            REQUIRE(sin[i] == Approx(std::sin(theta)).margin(2e-3 * (1 + double(pos) / 1000)));
            if (factors[i] == 1.0f) {  // a factor of 1 changes nothing, bit for bit
                CHECK(cos[i] == plain_cos[i]);
                CHECK(sin[i] == plain_sin[i]);
            }
        }
    }
}

TEST_CASE("rope: relative position — <rot(q, m), rot(k, n)> depends only on m - n", "[ops]") {
    const kernels::Rope rope(64, 10000.0f);
    const auto q = random_values(64, 1.0f, 10);
    const auto k = random_values(64, 1.0f, 11);
    auto dot_at = [&](int64_t m, int64_t n) {
        std::vector<float> cos(32), sin(32), qr = q, kr = k;
        rope.angles(m, cos.data(), sin.data());
        kernels::rope_rotate(qr.data(), 1, 64, 64, cos.data(), sin.data());
        rope.angles(n, cos.data(), sin.data());
        kernels::rope_rotate(kr.data(), 1, 64, 64, cos.data(), sin.data());
        double dot = 0;
        for (size_t i = 0; i < 64; ++i) dot += double(qr[i]) * kr[i];
        return dot;
    };
    CHECK(dot_at(7, 3) == Approx(dot_at(104, 100)).margin(1e-3));
    CHECK(dot_at(3, 3) == Approx(dot_at(0, 0)).margin(1e-4));
}
