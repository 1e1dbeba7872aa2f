// The build's SIMD row kernels (AVX2 / NEON) against the always-built scalar reference, for every dim tail
// and candidate-count remainder, f32 and fp16 rows; and the vector exp against std::exp.
#include <catch2/catch.hpp>

#include <cmath>
#include <limits>
#include <vector>

#include "../attention/attention_fixtures.h"
#include "gguf/quant/fp16.h"
#include "kernels/common/simd.h"

namespace {

struct Rows {
    std::vector<float> f32;
    std::vector<uint16_t> f16;
    std::vector<float> q, weights;
    std::vector<uint32_t> idx;
};

Rows make_rows(size_t n_rows, size_t dim, size_t stride, size_t n) {
    test::SplitMix64 rng(11);
    Rows r;
    r.f32.resize(n_rows * stride);
    for (float& x : r.f32) x = rng.symmetric();
    for (float x : r.f32) r.f16.push_back(gguf::fp32_to_fp16(x));
    for (size_t d = 0; d < dim; ++d) r.q.push_back(rng.symmetric());
    for (size_t c = 0; c < n; ++c) {
        r.idx.push_back(static_cast<uint32_t>(rng.next() % n_rows));
        r.weights.push_back(0.5f * (rng.symmetric() + 1.0f));
    }
    return r;
}

}  // namespace

TEST_CASE("simd: gathered scores and accumulation match the scalar reference", "[attention][simd]") {
    INFO("isa " << kernels::simd::isa_name());
    for (size_t dim : {1, 3, 8, 13, 32, 64, 72, 100}) {
        for (size_t n : {0, 1, 3, 4, 7, 9, 33}) {
            INFO("dim " << dim << " n " << n);
            const size_t stride = dim + 5;
            const Rows r = make_rows(40, dim, stride, n);
            std::vector<float> expected(n + 1), actual(n + 1);
            kernels::scalar::gather_scores(r.q.data(), r.f32.data(), stride, r.idx.data(), n, dim, 0.125f, expected.data());
            kernels::simd::gather_scores(r.q.data(), r.f32.data(), stride, r.idx.data(), n, dim, 0.125f, actual.data());
            for (size_t c = 0; c < n; ++c) CHECK(actual[c] == Approx(expected[c]).margin(1e-5));
            kernels::scalar::gather_scores(r.q.data(), r.f16.data(), stride, r.idx.data(), n, dim, 0.125f, expected.data());
            kernels::simd::gather_scores(r.q.data(), r.f16.data(), stride, r.idx.data(), n, dim, 0.125f, actual.data());
            for (size_t c = 0; c < n; ++c) CHECK(actual[c] == Approx(expected[c]).margin(1e-5));

            std::vector<float> acc_expected(dim, 0.25f), acc_actual(dim, 0.25f);
            kernels::scalar::gather_accumulate(r.weights.data(), r.f32.data(), stride, r.idx.data(), n, dim, acc_expected.data());
            kernels::simd::gather_accumulate(r.weights.data(), r.f32.data(), stride, r.idx.data(), n, dim, acc_actual.data());
            for (size_t d = 0; d < dim; ++d) CHECK(acc_actual[d] == Approx(acc_expected[d]).margin(1e-5));
            std::fill(acc_expected.begin(), acc_expected.end(), 0.0f);
            std::fill(acc_actual.begin(), acc_actual.end(), 0.0f);
            kernels::scalar::gather_accumulate(r.weights.data(), r.f16.data(), stride, r.idx.data(), n, dim, acc_expected.data());
            kernels::simd::gather_accumulate(r.weights.data(), r.f16.data(), stride, r.idx.data(), n, dim, acc_actual.data());
            for (size_t d = 0; d < dim; ++d) CHECK(acc_actual[d] == Approx(acc_expected[d]).margin(1e-5));
        }
    }
}

TEST_CASE("simd: exp, max, shifted exp-sum and scale", "[attention][simd]") {
    for (float x = -87.0f; x <= 0.0f; x += 0.37f) CHECK(kernels::simd::exp1(x) == Approx(std::exp(x)).epsilon(2e-7));
    CHECK(kernels::simd::exp1(-std::numeric_limits<float>::infinity()) == 0.0f);
    CHECK(kernels::simd::exp1(-1000.0f) == 0.0f);

    for (size_t n : {0, 1, 5, 8, 11, 24}) {
        std::vector<float> x(n), y(n);
        for (size_t i = 0; i < n; ++i) x[i] = y[i] = -0.3f * static_cast<float>(i) + (i == n / 2 ? 2.0f : 0.0f);
        CHECK(kernels::simd::max_value(x.data(), n) == kernels::scalar::max_value(y.data(), n));
        const float sum_simd = kernels::simd::exp_shifted_sum(x.data(), n, 1.5f);
        const float sum_scalar = kernels::scalar::exp_shifted_sum(y.data(), n, 1.5f);
        CHECK(sum_simd == Approx(sum_scalar).epsilon(1e-6));
        for (size_t i = 0; i < n; ++i) CHECK(x[i] == Approx(y[i]).epsilon(1e-6));
        kernels::simd::scale(x.data(), n, 3.0f);
        for (size_t i = 0; i < n; ++i) CHECK(x[i] == Approx(3.0f * y[i]).epsilon(1e-6));
    }
}

TEST_CASE("simd: fp16 rounding equals gguf::fp32_to_fp16 bit for bit, NaN and tails included", "[attention][simd]") {
    INFO("isa " << kernels::simd::isa_name());
    test::SplitMix64 rng(5);
    std::vector<float> x;
    for (int i = 0; i < 4096; ++i) {  // every exponent a half can hold and beyond, random significands
        const float scale = std::ldexp(1.0f, static_cast<int>(rng.next() % 60) - 30);
        x.push_back(rng.symmetric() * scale);
    }
    const float inf = std::numeric_limits<float>::infinity();
    for (float special : {0.0f, -0.0f, 65504.0f, 65520.0f, -65520.0f, inf, -inf, 1.0f + std::ldexp(1.0f, -11),
                          1.0f + 3 * std::ldexp(1.0f, -11), std::ldexp(1.0f, -24), std::ldexp(1.0f, -25),
                          std::ldexp(3.0f, -26), 6.1e-5f})
        x.push_back(special);
    const size_t without_nan = x.size();
    x.push_back(std::numeric_limits<float>::quiet_NaN());
    x.push_back(-std::numeric_limits<float>::quiet_NaN());
    for (size_t n : {size_t{0}, size_t{1}, size_t{7}, size_t{9}, without_nan, x.size()}) {
        INFO("n " << n);
        std::vector<uint16_t> simd(n), scalar(n);
        kernels::simd::to_half(x.data(), n, simd.data());
        for (size_t i = 0; i < n; ++i) scalar[i] = gguf::fp32_to_fp16(x[i]);
        CHECK(simd == scalar);
    }
}
