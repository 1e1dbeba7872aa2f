// kernels::Matmul: threading, shared activations, errors (on real llama.cpp-quantized tensors:
// test_matmul_shared_models.cpp).
#include <catch2/catch.hpp>

#include <cmath>
#include <cstring>
#include <vector>

#include "gemm_reference.h"
#include "gguf/quant/quant.h"
#include "kernels/matmul/gemm_kernels.h"
#include "kernels/matmul/matmul.h"
#include "kernels/matmul/matmul_error.h"

using gguf::GgmlType;

namespace {

bool same_bits(const std::vector<float>& a, const std::vector<float>& b) {
    return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) == 0;
}

}  // namespace

TEST_CASE("matmul: 1 to 4 threads give the same bits, and matvec equals its token in a batch", "[matmul]") {
    // Enough rows for many tasks per matrix, not a multiple of any tile or thread count.
    const int64_t rows = 301, cols = 512, n_tokens = 9;
    for (const GgmlType type : {GgmlType::F32, GgmlType::F16, GgmlType::BF16, GgmlType::Q4_0, GgmlType::Q4_1,
                                GgmlType::Q5_0, GgmlType::Q5_1, GgmlType::Q8_0, GgmlType::Q2_K, GgmlType::Q3_K,
                                GgmlType::Q4_K, GgmlType::Q5_K, GgmlType::Q6_K}) {
        INFO(gguf::ggml_type_name(type));
        const test::QuantizedMatrix w = test::random_matrix(type, rows, cols, 31);
        const std::vector<float> x = test::random_values(n_tokens * cols, 32);
        std::vector<float> first;
        for (unsigned threads = 1; threads <= 4; ++threads) {
            kernels::ThreadPool pool(threads);
            kernels::Matmul matmul(pool);
            std::vector<float> y(static_cast<size_t>(rows * n_tokens));
            matmul.matmul(w.matrix(), x.data(), n_tokens, y.data());
            if (threads == 1) first = y;
            CHECK(same_bits(first, y));
            std::vector<float> one(static_cast<size_t>(rows));
            matmul.matvec(w.matrix(), x.data() + 4 * cols, one.data());
            CHECK(std::memcmp(one.data(), first.data() + 4 * rows, rows * sizeof(float)) == 0);
        }
    }
}

TEST_CASE("matmul: products sharing x equal separate calls, also across activation types", "[matmul]") {
    const int64_t cols = 512, n_tokens = 3;
    const test::QuantizedMatrix q = test::random_matrix(GgmlType::Q4_0, 64, cols, 41);
    const test::QuantizedMatrix k = test::random_matrix(GgmlType::Q4_K, 17, cols, 42);
    const test::QuantizedMatrix v = test::random_matrix(GgmlType::F16, 9, cols, 43);
    const std::vector<float> x = test::random_values(n_tokens * cols, 44);
    kernels::ThreadPool pool(2);
    kernels::Matmul matmul(pool);
    std::vector<float> yq(64 * n_tokens), yk(17 * n_tokens), yv(9 * n_tokens);
    matmul.matmul_shared(x.data(), n_tokens, {{q.matrix(), yq.data()}, {k.matrix(), yk.data()}, {v.matrix(), yv.data()}});
    for (const auto* m : {&q, &k, &v}) {
        std::vector<float> alone(static_cast<size_t>(m->rows * n_tokens));
        matmul.matmul(m->matrix(), x.data(), n_tokens, alone.data());
        CHECK(same_bits(alone, m == &q ? yq : m == &k ? yk : yv));
    }
}

TEST_CASE("matmul: unsupported types and shapes that do not fit are errors naming them", "[matmul]") {
    kernels::ThreadPool pool(1);
    kernels::Matmul matmul(pool);
    std::vector<uint8_t> bytes(4096);
    std::vector<float> x(512), y(64);
    CHECK_FALSE(kernels::matmul_supports(GgmlType::IQ4_NL));
    CHECK(kernels::matmul_supports(GgmlType::Q6_K));
    CHECK_THROWS_WITH(matmul.matvec({GgmlType::IQ4_NL, bytes.data(), 2, 256}, x.data(), y.data()),
                      Catch::Contains("iq4_nl"));
    CHECK_THROWS_AS(matmul.matvec({GgmlType::IQ4_NL, bytes.data(), 2, 256}, x.data(), y.data()), kernels::MatmulError);
    CHECK_THROWS_WITH(matmul.matvec({GgmlType::Q4_K, bytes.data(), 2, 128}, x.data(), y.data()),
                      Catch::Contains("q4_K") && Catch::Contains("128"));
    CHECK_THROWS_AS(matmul.matvec({GgmlType::Q4_K, bytes.data(), 2, 128}, x.data(), y.data()), kernels::MatmulError);
    CHECK_THROWS_AS(matmul.matmul_shared(x.data(), 1, {{{GgmlType::Q4_0, bytes.data(), 2, 64}, y.data()},
                                                       {{GgmlType::Q4_0, bytes.data(), 2, 96}, y.data()}}),
                    kernels::MatmulError);
    CHECK_THROWS_AS(matmul.matvec({GgmlType::Q8_0, bytes.data(), 0, 32}, x.data(), y.data()), kernels::MatmulError);
}
