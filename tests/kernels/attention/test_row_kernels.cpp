// The attention row kernels of every instruction set this machine runs (AVX2 / NEON) against the scalar
// reference, for every dim tail and candidate-count remainder, f32 and fp16 rows; and their fp16 rounding.
#include <catch2/catch.hpp>

#include <cmath>
#include <limits>
#include <vector>

#include "../running_isas.h"
#include "attention_fixtures.h"
#include "gguf/quant/fp16.h"
#include "kernels/attention/row_kernels.h"

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

// The gathering kernels of `kernels` and of `reference` on the same rows of type Row agree.
template <typename Row>
void check_gather(const kernels::GatherKernels<Row>& kernels, const kernels::GatherKernels<Row>& reference,
                  const Rows& r, const Row* base, size_t stride, size_t n, size_t dim) {
    std::vector<float> expected(n + 1), actual(n + 1);
    reference.scores(r.q.data(), base, stride, r.idx.data(), n, dim, 0.125f, expected.data());
    kernels.scores(r.q.data(), base, stride, r.idx.data(), n, dim, 0.125f, actual.data());
    for (size_t c = 0; c < n; ++c) CHECK(actual[c] == Approx(expected[c]).margin(1e-5));

    std::vector<float> acc_expected(dim, 0.25f), acc_actual(dim, 0.25f);
    reference.accumulate(r.weights.data(), base, stride, r.idx.data(), n, dim, acc_expected.data());
    kernels.accumulate(r.weights.data(), base, stride, r.idx.data(), n, dim, acc_actual.data());
    for (size_t d = 0; d < dim; ++d) CHECK(acc_actual[d] == Approx(acc_expected[d]).margin(1e-5));
}

// A set's group kernels against its own single-query kernels, query by query: the same bits.
template <typename Row>
void check_group(const kernels::GatherKernels<Row>& kernels, const Rows& r, const Row* base, size_t stride, size_t nq,
                 size_t n, size_t dim) {
    std::vector<std::vector<float>> queries;
    const float* q_rows[kernels::kMaxQueryTile];
    for (size_t q = 0; q < nq; ++q) {
        queries.emplace_back(dim);
        for (size_t d = 0; d < dim; ++d) queries[q][d] = r.q[d] * static_cast<float>(q + 1) - 0.25f * static_cast<float>(q);
        q_rows[q] = queries[q].data();
    }
    std::vector<float> grouped(nq * n + 1), alone(n + 1);
    kernels.group_scores(q_rows, nq, base, stride, r.idx.data(), n, dim, 0.125f, grouped.data());
    for (size_t q = 0; q < nq; ++q) {
        kernels.scores(q_rows[q], base, stride, r.idx.data(), n, dim, 0.125f, alone.data());
        for (size_t c = 0; c < n; ++c) REQUIRE(grouped[q * n + c] == alone[c]);
    }

    std::vector<float> weights(nq * n);
    for (size_t i = 0; i < weights.size(); ++i) weights[i] = r.weights[i % n] * static_cast<float>(1 + i % 3);
    std::vector<std::vector<float>> acc(nq, std::vector<float>(dim, 0.25f));
    float* acc_rows[kernels::kMaxQueryTile];
    for (size_t q = 0; q < nq; ++q) acc_rows[q] = acc[q].data();
    kernels.group_accumulate(weights.data(), nq, base, stride, r.idx.data(), n, dim, acc_rows);
    for (size_t q = 0; q < nq; ++q) {
        std::vector<float> single(dim, 0.25f);
        kernels.accumulate(weights.data() + q * n, base, stride, r.idx.data(), n, dim, single.data());
        REQUIRE(acc[q] == single);
    }
}

}  // namespace

TEST_CASE("row kernels: the group kernels of every set give each query its single-query kernels' bits",
          "[attention][isa]") {
    for (kernels::Isa isa : test::running_isas()) {
        const kernels::AttentionRowKernels& rows = kernels::attention_row_kernels(isa);
        for (size_t dim : {1, 8, 13, 16, 64, 72, 100}) {
            for (size_t nq = 1; nq <= kernels::kMaxQueryTile; ++nq) {
                for (size_t n : {1, 2, 3, 5, 8, 33}) {
                    INFO("isa " << kernels::isa_name(isa) << " dim " << dim << " nq " << nq << " n " << n);
                    const size_t stride = dim + 5;
                    const Rows r = make_rows(40, dim, stride, n);
                    check_group(rows.f32_rows, r, r.f32.data(), stride, nq, n, dim);
                    check_group(rows.f16_rows, r, r.f16.data(), stride, nq, n, dim);
                }
            }
        }
    }
}

TEST_CASE("row kernels: gathered scores and accumulation of every set match the scalar reference",
          "[attention][isa]") {
    CHECK(&kernels::attention_row_kernels() == &kernels::attention_row_kernels(kernels::active_isa()));
    const kernels::AttentionRowKernels& reference = kernels::attention_row_kernels(kernels::Isa::Scalar);
    for (kernels::Isa isa : test::running_isas()) {
        const kernels::AttentionRowKernels& rows = kernels::attention_row_kernels(isa);
        for (size_t dim : {1, 3, 8, 13, 32, 64, 72, 100}) {
            for (size_t n : {0, 1, 3, 4, 7, 9, 33}) {
                INFO("isa " << kernels::isa_name(isa) << " dim " << dim << " n " << n);
                const size_t stride = dim + 5;
                const Rows r = make_rows(40, dim, stride, n);
                check_gather(rows.f32_rows, reference.f32_rows, r, r.f32.data(), stride, n, dim);
                check_gather(rows.f16_rows, reference.f16_rows, r, r.f16.data(), stride, n, dim);
            }
        }
    }
}

TEST_CASE("row kernels: query tiles of every set match the scalar reference", "[attention][isa]") {
    const kernels::AttentionRowKernels& reference = kernels::attention_row_kernels(kernels::Isa::Scalar);
    for (kernels::Isa isa : test::running_isas()) {
        const kernels::AttentionRowKernels& rows = kernels::attention_row_kernels(isa);
        for (size_t dim : {1, 8, 13, 16, 64, 72}) {
            for (size_t nq = 1; nq <= kernels::kMaxQueryTile; ++nq) {
                for (size_t n : {1, 2, 5, 30}) {
                    INFO("isa " << kernels::isa_name(isa) << " dim " << dim << " nq " << nq << " n " << n);
                    const size_t stride = dim + 3, j0 = 2;
                    const Rows r = make_rows(j0 + n + kernels::kMaxQueryTile, dim, stride, nq * n);
                    std::vector<std::vector<float>> queries;
                    const float* q_rows[kernels::kMaxQueryTile];
                    for (size_t q = 0; q < nq; ++q) {
                        queries.emplace_back(r.f32.begin() + q * stride, r.f32.begin() + q * stride + dim);
                        q_rows[q] = queries.back().data();
                    }
                    std::vector<float> expected(nq * n), actual(nq * n);
                    reference.tile_scores(q_rows, nq, r.f32.data(), stride, j0, n, dim, 0.125f, expected.data());
                    rows.tile_scores(q_rows, nq, r.f32.data(), stride, j0, n, dim, 0.125f, actual.data());
                    for (size_t i = 0; i < nq * n; ++i) CHECK(actual[i] == Approx(expected[i]).margin(1e-5));

                    std::vector<std::vector<float>> acc_expected(nq, std::vector<float>(dim, 0.25f));
                    std::vector<std::vector<float>> acc_actual = acc_expected;
                    float* expected_rows[kernels::kMaxQueryTile];
                    float* actual_rows[kernels::kMaxQueryTile];
                    for (size_t q = 0; q < nq; ++q) {
                        expected_rows[q] = acc_expected[q].data();
                        actual_rows[q] = acc_actual[q].data();
                    }
                    reference.tile_accumulate(r.weights.data(), nq, r.f32.data(), stride, j0, n, dim, expected_rows);
                    rows.tile_accumulate(r.weights.data(), nq, r.f32.data(), stride, j0, n, dim, actual_rows);
                    for (size_t q = 0; q < nq; ++q)
                        for (size_t d = 0; d < dim; ++d)
                            CHECK(acc_actual[q][d] == Approx(acc_expected[q][d]).margin(1e-5));
                }
            }
        }
    }
}

TEST_CASE("row kernels: fp16 rounding of every set equals gguf::fp32_to_fp16 bit for bit, NaN and tails included",
          "[attention][isa]") {
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
    for (kernels::Isa isa : test::running_isas()) {
        for (size_t n : {size_t{0}, size_t{1}, size_t{7}, size_t{9}, without_nan, x.size()}) {
            INFO("isa " << kernels::isa_name(isa) << " n " << n);
            std::vector<uint16_t> half(n), expected(n);
            kernels::attention_row_kernels(isa).to_half(x.data(), n, half.data());
            for (size_t i = 0; i < n; ++i) expected[i] = gguf::fp32_to_fp16(x[i]);
            CHECK(half == expected);
        }
    }
}
