// The vector math of every instruction set this machine runs against the scalar reference, and exp against
// std::exp.
#include <catch2/catch.hpp>

#include <cmath>
#include <limits>
#include <utility>
#include <vector>

#include "../running_isas.h"
#include "kernels/common/vector_math.h"

TEST_CASE("vector math: exp, max, shifted exp-sum, scale, add and scale-affine of every set match the scalar reference",
          "[vector_math][isa]") {
    CHECK(&kernels::vector_math() == &kernels::vector_math(kernels::active_isa()));
    const kernels::VectorMath& reference = kernels::vector_math(kernels::Isa::Scalar);
    for (kernels::Isa isa : test::running_isas()) {
        INFO("isa " << kernels::isa_name(isa));
        const kernels::VectorMath& math = kernels::vector_math(isa);
        for (float x = -87.0f; x <= 0.0f; x += 0.37f) CHECK(math.exp1(x) == Approx(std::exp(x)).epsilon(2e-7));
        CHECK(math.exp1(-std::numeric_limits<float>::infinity()) == 0.0f);
        CHECK(math.exp1(-1000.0f) == 0.0f);

        for (size_t n : {0, 1, 5, 8, 11, 24}) {
            std::vector<float> x(n), y(n);
            for (size_t i = 0; i < n; ++i) x[i] = y[i] = -0.3f * static_cast<float>(i) + (i == n / 2 ? 2.0f : 0.0f);
            CHECK(math.max_value(x.data(), n) == reference.max_value(y.data(), n));
            const float sum = math.exp_shifted_sum(x.data(), n, 1.5f);
            const float sum_reference = reference.exp_shifted_sum(y.data(), n, 1.5f);
            CHECK(sum == Approx(sum_reference).epsilon(1e-6));
            for (size_t i = 0; i < n; ++i) CHECK(x[i] == Approx(y[i]).epsilon(1e-6));
            math.scale(x.data(), n, 3.0f);
            for (size_t i = 0; i < n; ++i) CHECK(x[i] == Approx(3.0f * y[i]).epsilon(1e-6));

            // element-wise, no reduction: the scalar bits exactly
            std::vector<float> weight(n), bias(n), a = x, b = x;
            for (size_t i = 0; i < n; ++i) {
                weight[i] = 0.7f + 0.01f * static_cast<float>(i);
                bias[i] = 0.1f * static_cast<float>(i) - 0.5f;
            }
            math.add(a.data(), bias.data(), n);
            reference.add(b.data(), bias.data(), n);
            CHECK(a == b);
            math.scale_affine(a.data(), n, 1.3f, weight.data(), bias.data());
            reference.scale_affine(b.data(), n, 1.3f, weight.data(), bias.data());
            CHECK(a == b);
            for (size_t i = 0; i < n; ++i)
                CHECK(a[i] == Approx((x[i] + bias[i]) * 1.3 * weight[i] + bias[i]).epsilon(1e-5).margin(1e-6));
        }
    }
}

TEST_CASE("vector math: the striped double sums and LayerNorm's centered squares are the scalar bits in every set",
          "[vector_math][isa]") {
    const kernels::VectorMath& reference = kernels::vector_math(kernels::Isa::Scalar);
    for (kernels::Isa isa : test::running_isas()) {
        INFO("isa " << kernels::isa_name(isa));
        const kernels::VectorMath& math = kernels::vector_math(isa);
        for (size_t n : {0, 1, 5, 8, 11, 24, 2560, 2563}) {
            INFO("n " << n);
            std::vector<float> x(n);
            for (size_t i = 0; i < n; ++i) x[i] = std::sin(0.37f * static_cast<float>(i)) * 3.0f + 1e-3f * static_cast<float>(i);
            CHECK(math.sum(x.data(), n) == reference.sum(x.data(), n));
            std::vector<float> out(n), out_reference(n);
            CHECK(math.centered_squares(x.data(), out.data(), n, 0.25f) ==
                  reference.centered_squares(x.data(), out_reference.data(), n, 0.25f));
            CHECK(out == out_reference);
            // whole numbers add exactly: the sum is theirs
            std::vector<float> counts(n);
            for (size_t i = 0; i < n; ++i) counts[i] = static_cast<float>(i % 7);
            double expected = 0.0;
            for (float c : counts) expected += c;
            CHECK(math.sum(counts.data(), n) == expected);
        }
    }
}

TEST_CASE("vector math: the sigmoid gate (SiLU and the tanh GELU, gated or not) of every set matches the scalar "
          "reference and the formula", "[vector_math][isa]") {
    const kernels::VectorMath& reference = kernels::vector_math(kernels::Isa::Scalar);
    const float gelu_a = -1.5957691216057308f, gelu_b = 0.044715f;
    for (kernels::Isa isa : test::running_isas()) {
        INFO("isa " << kernels::isa_name(isa));
        const kernels::VectorMath& math = kernels::vector_math(isa);
        for (size_t n : {0, 1, 7, 8, 19, 64}) {
            std::vector<float> g(n), up(n);
            for (size_t i = 0; i < n; ++i) {
                g[i] = -6.0f + 12.0f * static_cast<float>(i) / static_cast<float>(n);
                up[i] = 0.5f + 0.01f * static_cast<float>(i);
            }
            for (const auto& [a, b] : {std::pair{-1.0f, 0.0f}, std::pair{gelu_a, gelu_b}})
                for (const float* gated : {static_cast<const float*>(nullptr), static_cast<const float*>(up.data())}) {
                    std::vector<float> got = g, expected = g;
                    math.sigmoid_gate(got.data(), gated, n, a, b);
                    reference.sigmoid_gate(expected.data(), gated, n, a, b);
                    for (size_t i = 0; i < n; ++i) {
                        const double v = g[i], cubic = b == 0.0f ? v : v + b * v * v * v;
                        const double formula = v / (1.0 + std::exp(a * cubic)) * (gated ? gated[i] : 1.0);
                        CHECK(got[i] == Approx(expected[i]).epsilon(2e-6).margin(1e-7));
                        CHECK(got[i] == Approx(formula).epsilon(1e-5).margin(1e-6));
                    }
                }
        }
    }
}
