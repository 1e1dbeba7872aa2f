// kernels::Matmul on real llama.cpp-quantized tensors of the shared test models (../shared), against their
// dequantization.
#include <catch2/catch.hpp>

#include <cmath>
#include <vector>

#include "gemm_reference.h"
#include "gguf/dequantize_tensor.h"
#include "gguf/gguf_file.h"
#include "kernels/matmul/gemm_kernels.h"
#include "kernels/matmul/matmul.h"
#include "support/shared_data.h"

TEST_CASE("matmul: llama.cpp-quantized tensors of the shared test models", "[matmul][shared]") {
    SKIP_WITHOUT_SHARED();
    const int64_t n_tokens = 2;
    for (const char* model : {"models/quant/tiny-Q4_K_M.gguf", "models/quant/tiny-Q5_0.gguf",
                              "models/quant/tiny-Q8_0.gguf", "models/quant/tiny-Q4_0.gguf",
                              "models/quant/stories260K-F16.gguf", "models/quant/tiny-f16.gguf"}) {
        const gguf::File file = gguf::File::open(test::shared_path(model));
        kernels::ThreadPool pool(2);
        kernels::Matmul matmul(pool);
        for (const gguf::TensorInfo& t : file.tensors()) {
            if (t.n_dims != 2) continue;
            INFO(model << " " << t.name);
            REQUIRE(kernels::matmul_supports(t.type));
            const auto rows = static_cast<int64_t>(t.ne[1]), cols = static_cast<int64_t>(t.ne[0]);
            const kernels::GemmKernels& k = *kernels::gemm_kernels(t.type);
            std::vector<float> w(t.n_elements);
            gguf::dequantize_tensor(t, w.data());
            const std::vector<float> x = test::random_values(n_tokens * cols, 51);
            std::vector<float> y(static_cast<size_t>(rows * n_tokens));
            matmul.matmul({t.type, t.data, rows, cols}, x.data(), n_tokens, y.data());

            kernels::QuantizedActivations quantized(k.activation == kernels::ActivationType::F32
                                                        ? kernels::ActivationType::Q8_0 : k.activation);
            kernels::ActivationView view;
            if (k.activation == kernels::ActivationType::F32) {
                view.n_tokens = n_tokens;
                view.cols = cols;
                view.f32 = x.data();
            } else {
                view = quantized.quantize(x.data(), n_tokens, cols);
            }
            for (int64_t tok = 0; tok < n_tokens; ++tok) {
                const std::vector<double> xq = test::activation_values(view, tok);
                for (int64_t r = 0; r < rows; ++r) {
                    const test::Dot reference = test::dot(w.data() + r * cols, xq);
                    REQUIRE(std::fabs(y[static_cast<size_t>(tok * rows + r)] - reference.value) <=
                            test::float_sum_bound(reference, cols / gguf::ggml_type_info(t.type).block_elems));
                }
            }
        }
    }
}
