// Activation quantization for the matmul kernels: q8_0 and q8_K as llama.cpp's reference quantizers make them,
// by the quantizers of every instruction set this machine runs.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstring>
#include <vector>

#include "../running_isas.h"
#include "gemm_reference.h"
#include "gguf/quant/blocks.h"
#include "gguf/quant/fp16.h"
#include "gguf/quant/quant.h"
#include "kernels/matmul/matmul_error.h"
#include "kernels/matmul/quantized_activations.h"

using gguf::GgmlType;
using kernels::ActivationType;

namespace {

// The quantizers of `type` in every set this machine runs, scalar first.
std::vector<kernels::QuantizeActivationsFn> quantizers(ActivationType type) {
    std::vector<kernels::QuantizeActivationsFn> all;
    for (kernels::Isa isa : test::running_isas()) all.push_back(kernels::activation_quantizer(type, isa));
    return all;
}

kernels::QuantizeActivationsFn active_quantizer(ActivationType type) {
    return kernels::activation_quantizer(type, kernels::active_isa());
}

// Values with every rounding hazard: zeros, halves, a whole zero block, tiny and huge blocks.
std::vector<float> hazardous_values(int64_t n) {
    std::vector<float> x = test::random_values(n, 7);
    for (int i = 0; i < 32; ++i) x[static_cast<size_t>(32 + i)] = 0.0f;                    // block 1: all zero
    for (int i = 0; i < 32; ++i) x[static_cast<size_t>(64 + i)] = 1e-30f * static_cast<float>(i - 16);
    for (int i = 0; i < 32; ++i) x[static_cast<size_t>(96 + i)] = 1e30f * static_cast<float>(i % 5);
    // block 4: amax 127 gives d = 1, so these are exact halves
    const float halves[] = {127.0f, 2.5f, -2.5f, 0.5f, -0.5f, 1.5f, -126.5f, 0.49999997f};
    for (int i = 0; i < 32; ++i) x[static_cast<size_t>(128 + i)] = halves[i % 8];
    return x;
}

}  // namespace

TEST_CASE("q8_0 activations: halves round away from zero, d = amax / 127 kept as f16, block sums",
          "[matmul][activations]") {
    const float x[32] = {127.0f, 2.5f, -2.5f, 0.5f, -0.5f, 1.5f, -126.5f, 0.49999997f};
    const int8_t expected[8] = {127, 3, -3, 1, -1, 2, -127, 0};
    for (auto quantize : quantizers(ActivationType::Q8_0)) {
        int8_t qs[32];
        float d;
        int16_t sum;
        quantize(x, qs, &d, &sum, 32);
        CHECK(d == 1.0f);
        CHECK(sum == 127 + 3 - 3 + 1 - 1 + 2 - 127);
        for (int i = 0; i < 8; ++i) CHECK(qs[i] == expected[i]);
        for (int i = 8; i < 32; ++i) CHECK(qs[i] == 0);
    }
    for (auto quantize : quantizers(ActivationType::Q8_0)) {
        const float zeros[32] = {};
        int8_t qs[32];
        float d = -1.0f;
        int16_t sum = -1;
        quantize(zeros, qs, &d, &sum, 32);
        CHECK(d == 0.0f);
        CHECK(sum == 0);
        for (int8_t q : qs) CHECK(q == 0);
    }
}

TEST_CASE("q8_0 activations equal llama.cpp's quantize_row_q8_0_ref (via gguf/quant/quant.h)", "[matmul][activations]") {
    const int64_t n = 32 * 40;
    const std::vector<float> x = hazardous_values(n);
    std::vector<gguf::BlockQ8_0> reference(n / 32);
    gguf::quantize_row(GgmlType::Q8_0, x.data(), reference.data(), n);
    for (auto quantize : quantizers(ActivationType::Q8_0)) {
        std::vector<int8_t> qs(n);
        std::vector<float> d(n / 32);
        std::vector<int16_t> sums(n / 32);
        quantize(x.data(), qs.data(), d.data(), sums.data(), n);
        for (int64_t b = 0; b < n / 32; ++b) {
            INFO("block " << b);
            REQUIRE(d[b] == gguf::fp16_to_fp32(reference[b].d));
            REQUIRE(std::memcmp(qs.data() + 32 * b, reference[b].qs, 32) == 0);
            int expected_sum = 0;
            for (int8_t q : reference[b].qs) expected_sum += q;
            REQUIRE(sums[b] == expected_sum);
        }
    }
}

TEST_CASE("q8_K activations: iscale = -127 / max, halves to even, bsums", "[matmul][activations]") {
    for (auto quantize : quantizers(ActivationType::Q8_K)) {
        std::vector<float> x(256, 0.0f);
        const float values[] = {127.0f, 2.5f, -2.5f, 0.5f, 1.5f, -1.5f, 3.5f, -126.0f};
        const int8_t expected[] = {-127, -2, 2, 0, -2, 2, -4, 126};
        for (int i = 0; i < 8; ++i) x[static_cast<size_t>(i)] = values[i];
        x[16] = -64.0f;
        int8_t qs[256];
        float d;
        int16_t bsums[16];
        quantize(x.data(), qs, &d, bsums, 256);
        CHECK(d == -1.0f);
        for (int i = 0; i < 8; ++i) CHECK(qs[i] == expected[i]);
        CHECK(qs[16] == 64);
        CHECK(bsums[0] == -127 - 2 + 2 + 0 - 2 + 2 - 4 + 126);
        CHECK(bsums[1] == 64);
        for (int g = 2; g < 16; ++g) CHECK(bsums[g] == 0);

        std::fill(x.begin(), x.end(), 0.0f);
        std::fill(std::begin(bsums), std::end(bsums), int16_t{99});
        quantize(x.data(), qs, &d, bsums, 256);
        CHECK(d == 0.0f);
        for (int g = 0; g < 16; ++g) CHECK(bsums[g] == 0);
    }
}

TEST_CASE("q8_K activations equal llama.cpp's quantize_row_q8_K_ref (via gguf/quant/quant.h)", "[matmul][activations]") {
    const int64_t n = 256 * 6;
    std::vector<float> x = hazardous_values(n);
    for (int i = 0; i < 256; ++i) x[static_cast<size_t>(512 + i)] = 0.0f;  // an all-zero super-block
    std::vector<gguf::BlockQ8_K> reference(n / 256);
    gguf::quantize_row(GgmlType::Q8_K, x.data(), reference.data(), n);
    for (auto quantize : quantizers(ActivationType::Q8_K)) {
        std::vector<int8_t> qs(n);
        std::vector<float> d(n / 256);
        std::vector<int16_t> bsums(n / 16);
        quantize(x.data(), qs.data(), d.data(), bsums.data(), n);
        for (int64_t b = 0; b < n / 256; ++b) {
            INFO("super-block " << b);
            REQUIRE(d[b] == reference[b].d);
            REQUIRE(std::memcmp(qs.data() + 256 * b, reference[b].qs, 256) == 0);
            if (reference[b].d != 0.0f)  // llama.cpp leaves the bsums of an all-zero block unwritten
                REQUIRE(std::memcmp(bsums.data() + 16 * b, reference[b].bsums, 32) == 0);
        }
    }
}

TEST_CASE("q8 activations: a NaN is passed over when finding the scale, by every path", "[matmul][activations]") {
    std::vector<float> x = test::random_values(256, 5);
    x[3] = NAN;
    x[200] = 50.0f;  // the largest magnitude, so d is known
    int8_t qs[256];
    int16_t bsums[16];
    for (auto quantize : quantizers(ActivationType::Q8_K)) {
        float d = 0.0f;
        quantize(x.data(), qs, &d, bsums, 256);
        CHECK(d == 1.0f / (-127.0f / 50.0f));
        CHECK(qs[200] == -127);
    }
    for (auto quantize : quantizers(ActivationType::Q8_0)) {
        float d[8];
        int16_t sums[8];
        quantize(x.data(), qs, d, sums, 256);
        CHECK(std::isfinite(d[0]));
        CHECK(d[6] == gguf::fp16_to_fp32(gguf::fp32_to_fp16(50.0f / 127.0f)));
        CHECK(qs[200] == 127);
    }
}

TEST_CASE("quantized activations: several tokens, each row as quantized alone, aligned", "[matmul][activations]") {
    const int64_t n_tokens = 5, cols = 512;
    const std::vector<float> x = test::random_values(n_tokens * cols, 3);
    for (auto type : {ActivationType::Q8_0, ActivationType::Q8_K}) {
        kernels::QuantizedActivations activations(type);
        const kernels::ActivationView& view = activations.quantize(x.data(), n_tokens, cols);
        REQUIRE(view.n_tokens == n_tokens);
        REQUIRE(view.cols == cols);
        for (int64_t t = 0; t < n_tokens; ++t) {
            CHECK(reinterpret_cast<uintptr_t>(view.qs_row(t)) % 32 == 0);
            std::vector<int8_t> qs(cols);
            std::vector<float> d(cols / 32);
            std::vector<int16_t> bsums(cols / 16);
            if (type == ActivationType::Q8_0) {
                active_quantizer(ActivationType::Q8_0)(x.data() + t * cols, qs.data(), d.data(), bsums.data(), cols);
                CHECK(std::memcmp(view.d_row(t), d.data(), sizeof(float) * cols / 32) == 0);
                CHECK(std::memcmp(view.bsums_row(t), bsums.data(), sizeof(int16_t) * cols / 32) == 0);
            } else {
                active_quantizer(ActivationType::Q8_K)(x.data() + t * cols, qs.data(), d.data(), bsums.data(), cols);
                CHECK(reinterpret_cast<uintptr_t>(view.bsums_row(t)) % 32 == 0);
                CHECK(std::memcmp(view.d_row(t), d.data(), sizeof(float) * cols / 256) == 0);
                CHECK(std::memcmp(view.bsums_row(t), bsums.data(), sizeof(int16_t) * cols / 16) == 0);
            }
            CHECK(std::memcmp(view.qs_row(t), qs.data(), cols) == 0);
        }
    }
    kernels::QuantizedActivations q8_0(ActivationType::Q8_0);
    CHECK_THROWS_AS(q8_0.quantize(x.data(), 1, 48), kernels::MatmulError);
}
