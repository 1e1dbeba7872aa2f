// The per-type gemm kernels of every instruction set this machine runs against references computed in double
// from gguf/quant/quant.h's dequantization, and against the scalar kernels.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstring>
#include <vector>

#include "../running_isas.h"
#include "gemm_reference.h"
#include "gguf/quant/fp16.h"
#include "kernels/matmul/gemm_kernels.h"

using gguf::GgmlType;

namespace {

constexpr GgmlType kTypes[] = {GgmlType::F32,  GgmlType::F16,  GgmlType::BF16, GgmlType::Q4_0, GgmlType::Q4_1,
                               GgmlType::Q5_0, GgmlType::Q5_1, GgmlType::Q8_0, GgmlType::Q2_K, GgmlType::Q3_K,
                               GgmlType::Q4_K, GgmlType::Q5_K, GgmlType::Q6_K};

// x (n_tokens x cols) in the form the type's kernels take.
struct Activations {
    kernels::QuantizedActivations q8_0{kernels::ActivationType::Q8_0};
    kernels::QuantizedActivations q8_k{kernels::ActivationType::Q8_K};
    kernels::ActivationView f32;

    const kernels::ActivationView& prepare(kernels::ActivationType type, const std::vector<float>& x, int64_t n_tokens,
                                           int64_t cols) {
        if (type == kernels::ActivationType::Q8_0) return q8_0.quantize(x.data(), n_tokens, cols);
        if (type == kernels::ActivationType::Q8_K) return q8_k.quantize(x.data(), n_tokens, cols);
        f32 = kernels::ActivationView{};
        f32.n_tokens = n_tokens;
        f32.cols = cols;
        f32.f32 = x.data();
        return f32;
    }
};

std::vector<float> run(kernels::GemmRowsFn rows_fn, const test::QuantizedMatrix& w, const kernels::ActivationView& x,
                       int64_t row_begin, int64_t row_end, std::vector<float> y = {}) {
    if (y.empty()) y.assign(static_cast<size_t>(x.n_tokens * w.rows), NAN);
    const kernels::GemmTask task{w.bytes.data(), w.bytes.size() / static_cast<size_t>(w.rows), &x, y.data(), w.rows};
    rows_fn(task, row_begin, row_end);
    return y;
}

// |x - d q| for the elements of one quantized block, a priori: half a step, plus (q8_0) the f16 rounding of
// d = amax / 127 times |q| <= 127, with slack for the float products.
double activation_error_bound(kernels::ActivationType type, const float* block, int n) {
    if (type == kernels::ActivationType::F32) return 0.0;
    double amax = 0.0;
    for (int i = 0; i < n; ++i) amax = std::max(amax, std::fabs(static_cast<double>(block[i])));
    const double step = amax / 127.0;
    return type == kernels::ActivationType::Q8_0 ? step * (0.5 + 127.0 * std::ldexp(1.0, -11) + 1e-4)
                                                 : step * (0.5 + 1e-4);
}

bool is_float(GgmlType type) { return type == GgmlType::F32 || type == GgmlType::F16 || type == GgmlType::BF16; }

// Whether the kernels of `type` give the scalar kernel's bits in every set: the quantized formats do (exact
// integer block sums, then scalar's multiply-add per block or super-block), so x86 and aarch64 builds decode
// alike; float weights do not (their sets sum in lanes).
bool same_bits_as_scalar(GgmlType type) { return !is_float(type); }

// The kernel of `type` in `isa`.
kernels::GemmRowsFn kernel(GgmlType type, kernels::Isa isa) {
    return kernels::entry_for(kernels::gemm_kernels(type)->rows, isa);
}

void check_against_references(GgmlType type, kernels::Isa isa, int64_t rows, int64_t cols, int64_t n_tokens) {
    const kernels::GemmKernels* k = kernels::gemm_kernels(type);
    REQUIRE(k != nullptr);
    const test::QuantizedMatrix w = test::random_matrix(type, rows, cols, 11);
    const std::vector<float> x = test::random_values(n_tokens * cols, 12);
    Activations activations;
    const kernels::ActivationView& view = activations.prepare(k->activation, x, n_tokens, cols);
    const int block = k->activation == kernels::ActivationType::Q8_K ? 256 : 32;
    const int64_t float_terms = cols / gguf::ggml_type_info(type).block_elems;

    const std::vector<float> y_scalar = run(kernel(type, kernels::Isa::Scalar), w, view, 0, rows);
    const std::vector<float> y_isa = run(kernel(type, isa), w, view, 0, rows);
    for (int64_t t = 0; t < n_tokens; ++t) {
        const std::vector<double> xq = test::activation_values(view, t);
        std::vector<double> x_exact(x.begin() + t * cols, x.begin() + (t + 1) * cols);
        for (int64_t r = 0; r < rows; ++r) {
            INFO(gguf::ggml_type_name(type) << " " << rows << "x" << cols << " token " << t << " row " << r);
            const float* w_row = w.dequantized.data() + r * cols;
            const test::Dot reference = test::dot(w_row, xq);
            const double bound = test::float_sum_bound(reference, float_terms);
            const float scalar = y_scalar[static_cast<size_t>(t * rows + r)];
            const float result = y_isa[static_cast<size_t>(t * rows + r)];
            REQUIRE(std::fabs(scalar - reference.value) <= bound);
            REQUIRE(std::fabs(result - reference.value) <= bound);
            REQUIRE(std::fabs(result - scalar) <= bound);

            // Against the exact activations: the quantization error of x, weighted by |w|.
            double quantization = 0.0;
            for (int64_t c = 0; c < cols; ++c)
                quantization += std::fabs(w_row[c]) *
                                activation_error_bound(k->activation, x.data() + t * cols + c / block * block,
                                                       k->activation == kernels::ActivationType::F32 ? 1 : block);
            const test::Dot exact = test::dot(w_row, x_exact);
            REQUIRE(std::fabs(result - exact.value) <= quantization + bound);
        }
    }
}

}  // namespace

TEST_CASE("gemm kernels: every type in every set equals dequantize(W) . dequantize(q8(x)) and the scalar kernel",
          "[matmul][gemm]") {
    for (const kernels::Isa isa : test::running_isas()) {
        for (const GgmlType type : kTypes) {
            const kernels::Isa serving = kernels::isa_serving(kernels::gemm_kernels(type)->rows, isa);
            INFO(gguf::ggml_type_name(type) << " isa " << kernels::isa_name(isa) << ": " << kernels::isa_name(serving)
                                            << "'s kernel");
            check_against_references(type, isa, 13, 512, 21);  // 21 tokens: full strips of 16 and 4, then one
        }
    }
}

TEST_CASE("gemm kernels: the dotprod set has its own kernel for every quantized type, runs neon's for floats",
          "[matmul][gemm]") {
    if (!kernels::isa_built(kernels::Isa::Dotprod)) return;
    for (const GgmlType type : kTypes) {
        INFO(gguf::ggml_type_name(type));
        const kernels::Isa serving = kernels::isa_serving(kernels::gemm_kernels(type)->rows, kernels::Isa::Dotprod);
        CHECK(serving == (is_float(type) ? kernels::Isa::Neon : kernels::Isa::Dotprod));
    }
}

TEST_CASE("gemm kernels: avx-vnni and avx512 have their own kernels for the 32-element formats, run avx2's for "
          "the rest", "[matmul][gemm]") {
    for (const kernels::Isa isa : {kernels::Isa::AvxVnni, kernels::Isa::Avx512}) {
        if (!kernels::isa_built(isa)) continue;
        for (const GgmlType type : kTypes) {
            INFO(gguf::ggml_type_name(type) << " isa " << kernels::isa_name(isa));
            const bool q32 = type == GgmlType::Q4_0 || type == GgmlType::Q4_1 || type == GgmlType::Q5_0 ||
                             type == GgmlType::Q5_1 || type == GgmlType::Q8_0;
            CHECK(kernels::isa_serving(kernels::gemm_kernels(type)->rows, isa) == (q32 ? isa : kernels::Isa::Avx2));
        }
    }
}

TEST_CASE("gemm kernels: odd shapes (one row, one block, one token, float row tails)", "[matmul][gemm]") {
    for (const kernels::Isa isa : test::running_isas()) {
        INFO("isa " << kernels::isa_name(isa));
        for (const GgmlType type : kTypes) {
            const int block = gguf::ggml_type_info(type).block_elems == 256 ? 256 : 32;
            check_against_references(type, isa, 1, block, 1);
            check_against_references(type, isa, 3, block, 7);
            check_against_references(type, isa, 6, 2 * block, 2);
        }
        for (const GgmlType type : {GgmlType::F32, GgmlType::F16, GgmlType::BF16}) {
            check_against_references(type, isa, 5, 172, 3);  // stories260K's ffn_down width: no multiple of 8
            check_against_references(type, isa, 2, 7, 1);
        }
    }
}

TEST_CASE("gemm kernels: any row split and any batch give the same bits per output", "[matmul][gemm]") {
    const int64_t rows = 11, cols = 512, n_tokens = 21;
    for (const GgmlType type : kTypes) {
        INFO(gguf::ggml_type_name(type));
        const kernels::GemmKernels* k = kernels::gemm_kernels(type);
        const test::QuantizedMatrix w = test::random_matrix(type, rows, cols, 21);
        const std::vector<float> x = test::random_values(n_tokens * cols, 22);
        for (const kernels::Isa isa : test::running_isas()) {
            INFO("isa " << kernels::isa_name(isa));
            const kernels::GemmRowsFn fn = kernel(type, isa);
            Activations all;
            const std::vector<float> whole = run(fn, w, all.prepare(k->activation, x, n_tokens, cols), 0, rows);
            // rows one at a time, and in uneven pieces
            std::vector<float> pieces;
            for (int64_t r = 0; r < rows; ++r) pieces = run(fn, w, all.prepare(k->activation, x, n_tokens, cols), r, r + 1, pieces);
            CHECK(std::memcmp(whole.data(), pieces.data(), whole.size() * sizeof(float)) == 0);
            std::vector<float> uneven = run(fn, w, all.prepare(k->activation, x, n_tokens, cols), 0, 5);
            uneven = run(fn, w, all.prepare(k->activation, x, n_tokens, cols), 5, rows, uneven);
            CHECK(std::memcmp(whole.data(), uneven.data(), whole.size() * sizeof(float)) == 0);
            // each token alone (a decode step) against the same token inside the batch
            for (int64_t t = 0; t < n_tokens; ++t) {
                const std::vector<float> token(x.begin() + t * cols, x.begin() + (t + 1) * cols);
                Activations one;
                const std::vector<float> alone = run(fn, w, one.prepare(k->activation, token, 1, cols), 0, rows);
                CHECK(std::memcmp(alone.data(), whole.data() + t * rows, rows * sizeof(float)) == 0);
            }
        }
    }
}

TEST_CASE("gemm kernels: the quantized types give the scalar kernel's bits in every set", "[matmul][gemm]") {
    struct Shape {
        int64_t rows, cols, n_tokens;
    };
    // decode and batch shapes; row counts off every tile (4, 8, 16) and token counts off every strip (4, 8, 16),
    // leaving each of the tail strips (1, 2, 3 tokens)
    const Shape shapes[] = {{13, 512, 1}, {13, 512, 21}, {1, 256, 1}, {7, 768, 5}, {9, 1536, 3}, {300, 256, 17},
                            {13, 512, 2}, {21, 256, 6}};
    for (const kernels::Isa isa : test::running_isas()) {
        for (const GgmlType type : kTypes) {
            if (!same_bits_as_scalar(type)) continue;
            const kernels::GemmKernels* k = kernels::gemm_kernels(type);
            for (const Shape& shape : shapes) {
                INFO(gguf::ggml_type_name(type) << " isa " << kernels::isa_name(isa) << " " << shape.rows << "x"
                                                << shape.cols << " tokens " << shape.n_tokens);
                const test::QuantizedMatrix w = test::random_matrix(type, shape.rows, shape.cols, 51);
                const std::vector<float> x = test::random_values(shape.n_tokens * shape.cols, 52);
                Activations activations;
                const kernels::ActivationView& view = activations.prepare(k->activation, x, shape.n_tokens, shape.cols);
                const std::vector<float> y_scalar = run(kernel(type, kernels::Isa::Scalar), w, view, 0, shape.rows);
                const std::vector<float> y_isa = run(kernel(type, isa), w, view, 0, shape.rows);
                CHECK(std::memcmp(y_scalar.data(), y_isa.data(), y_isa.size() * sizeof(float)) == 0);
            }
        }
    }
}
