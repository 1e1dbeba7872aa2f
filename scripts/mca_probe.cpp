// The program scripts/mca-kernels.sh --trace runs under qemu-aarch64: one gemm kernel, one call, on a matrix of
// seeded weights and one token, between two calls the trace can be cut at.
//
//     mca_probe TYPE SET ROWS BLOCKS      e.g. mca_probe q4_K neon 2 4
//
// SET is an instruction set's name (kernels/common/isa.h), whose kernel runs as in the runtime (its fallback's
// where the set has none for TYPE); the matrix is ROWS x (BLOCKS blocks of TYPE), a
// float type's blocks being 32 weights.
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

#include "gguf/quant/ggml_type.h"
#include "gguf/quant/quant.h"
#include "kernels/matmul/gemm_kernels.h"

extern "C" __attribute__((noinline)) void mca_trace_begin() { asm volatile(""); }
extern "C" __attribute__((noinline)) void mca_trace_end() { asm volatile(""); }

int main(int argc, char** argv) {
    if (argc != 5) {
        std::fprintf(stderr, "usage: mca_probe TYPE SET ROWS BLOCKS\n");
        return 2;
    }
    const std::string type_name = argv[1], set_name = argv[2];
    const int64_t rows = std::atoll(argv[3]), blocks = std::atoll(argv[4]);
    const gguf::GgmlType* type = nullptr;
    static constexpr gguf::GgmlType kTypes[] = {
        gguf::GgmlType::F32,  gguf::GgmlType::F16,  gguf::GgmlType::BF16, gguf::GgmlType::Q4_0, gguf::GgmlType::Q4_1,
        gguf::GgmlType::Q5_0, gguf::GgmlType::Q5_1, gguf::GgmlType::Q8_0, gguf::GgmlType::Q2_K, gguf::GgmlType::Q3_K,
        gguf::GgmlType::Q4_K, gguf::GgmlType::Q5_K, gguf::GgmlType::Q6_K};
    for (const gguf::GgmlType& t : kTypes)
        if (type_name == gguf::ggml_type_name(t)) type = &t;
    kernels::GemmRowsFn kernel = nullptr;
    const kernels::GemmKernels* k = type ? kernels::gemm_kernels(*type) : nullptr;
    for (kernels::Isa isa : kernels::kAllIsas)
        if (k && set_name == kernels::isa_name(isa)) kernel = kernels::entry_for(k->rows, isa);
    if (!kernel || rows < 1 || blocks < 1) {
        std::fprintf(stderr, "mca_probe: no %s kernel for %s in this build, or a bad shape\n", set_name.c_str(),
                     type_name.c_str());
        return 1;
    }

    const int64_t block = gguf::ggml_type_info(*type).block_elems;
    const int64_t cols = blocks * (block == 1 ? 32 : block);
    const uint64_t row_bytes = *gguf::ggml_row_bytes(*type, static_cast<uint64_t>(cols));
    std::mt19937 rng(1);
    std::normal_distribution<float> normal(0.0f, 1.0f);
    std::vector<float> x(static_cast<size_t>(cols));
    std::vector<uint8_t> w(row_bytes * static_cast<uint64_t>(rows));
    for (int64_t r = 0; r < rows; ++r) {
        for (float& v : x) v = normal(rng);
        gguf::quantize_row(*type, x.data(), w.data() + r * row_bytes, cols);
    }
    for (float& v : x) v = normal(rng);
    kernels::QuantizedActivations quantized(k->activation == kernels::ActivationType::F32 ? kernels::ActivationType::Q8_0
                                                                                         : k->activation);
    kernels::ActivationView view;
    if (k->activation == kernels::ActivationType::F32) {
        view.n_tokens = 1;
        view.cols = cols;
        view.f32 = x.data();
    } else {
        view = quantized.quantize(x.data(), 1, cols);
    }
    std::vector<float> y(static_cast<size_t>(rows));
    const kernels::GemmTask task{w.data(), row_bytes, &view, y.data(), rows};
    mca_trace_begin();
    kernel(task, 0, rows);
    mca_trace_end();
    std::printf("%g\n", static_cast<double>(y[0]));
    return 0;
}
