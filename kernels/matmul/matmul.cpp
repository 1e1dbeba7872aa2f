#include "kernels/matmul/matmul.h"

#include <algorithm>
#include <string>

#include "kernels/matmul/gemm_kernels.h"
#include "kernels/matmul/matmul_error.h"

namespace kernels {
namespace {

// Rows per task. Prefill: about kTaskBytes of weights, so a task's rows stay in L1/L2 while its tokens stream
// past. Decode streams each weight once: long contiguous runs keep the prefetchers ahead, so each thread gets
// about one run per matrix.
constexpr size_t kTaskBytes = 16 * 1024;
constexpr int64_t kRowGranule = 16;  // the widest tile of the 32-element kernels (avx512's prefill)

const GemmKernels& kernels_for(const Matrix& w) {
    const GemmKernels* k = gemm_kernels(w.type);
    if (!k)
        throw MatmulError("matmul: no kernel for weight type " + std::string(gguf::ggml_type_name(w.type)));
    return *k;
}

int64_t rows_per_task(int64_t n_rows, size_t row_bytes, int64_t n_tokens, unsigned n_threads) {
    const int64_t rows = n_tokens <= 8
                             ? (n_rows + n_threads - 1) / n_threads
                             : static_cast<int64_t>(kTaskBytes / std::max<size_t>(row_bytes, 1));
    return std::max<int64_t>(kRowGranule, (rows + kRowGranule - 1) / kRowGranule * kRowGranule);
}

}  // namespace

size_t Matrix::row_bytes() const {
    kernels_for(*this);  // throws for a type without a kernel, as every use of the matrix would
    const gguf::GgmlTypeTraits& info = gguf::ggml_type_info(type);
    return static_cast<size_t>(cols / info.block_elems) * static_cast<size_t>(info.block_bytes);
}

bool matmul_supports(gguf::GgmlType type) { return gemm_kernels(type) != nullptr; }

void Matmul::reserve(int64_t n_tokens, int64_t cols) {
    q8_0_.reserve(n_tokens, cols);
    q8_k_.reserve(n_tokens, cols);
}

const ActivationView& Matmul::prepare(ActivationType type, const float* x, int64_t n_tokens, int64_t cols) {
    auto run = [this](size_t n, auto&& fn) { pool_.parallel_for(n, fn); };
    switch (type) {
        case ActivationType::Q8_0: return q8_0_.quantize(x, n_tokens, cols, run);
        case ActivationType::Q8_K: return q8_k_.quantize(x, n_tokens, cols, run);
        case ActivationType::F32: break;
    }
    f32_view_ = ActivationView{};
    f32_view_.n_tokens = n_tokens;
    f32_view_.cols = cols;
    f32_view_.f32 = x;
    return f32_view_;
}

void Matmul::matmul(const Matrix& w, const float* x, int64_t n_tokens, float* y) {
    matmul_shared(x, n_tokens, {{w, y}});
}

void Matmul::matmul_shared(const float* x, int64_t n_tokens, std::initializer_list<Product> products) {
    if (products.size() == 0 || n_tokens <= 0) return;
    const int64_t cols = products.begin()->w.cols;
    const Product* list = products.begin();
    const size_t n_products = products.size();

    // Validate everything first, then quantize x once per activation type the products need.
    struct Job {
        GemmRowsFn rows;
        GemmTask task;
        int64_t rows_per_task, first_task;
    };
    constexpr size_t kMaxProducts = 8;
    if (n_products > kMaxProducts) throw MatmulError("matmul: more than 8 products in one call");
    Job jobs[kMaxProducts];
    const ActivationView* prepared[3] = {};  // per ActivationType
    int64_t n_tasks = 0;
    for (size_t p = 0; p < n_products; ++p) {
        const Matrix& w = list[p].w;
        const GemmKernels& k = kernels_for(w);
        if (w.cols != cols || w.rows <= 0 || cols <= 0 || cols % gguf::ggml_type_info(w.type).block_elems != 0)
            throw MatmulError("matmul: " + std::string(gguf::ggml_type_name(w.type)) + " matrix " +
                              std::to_string(w.rows) + " x " + std::to_string(w.cols) +
                              " does not fit activations of width " + std::to_string(cols));
        const size_t row_bytes = w.row_bytes();
        const ActivationView*& view = prepared[static_cast<int>(k.activation)];
        if (!view) view = &prepare(k.activation, x, n_tokens, cols);
        const GemmTask task{static_cast<const uint8_t*>(w.data), row_bytes, view, list[p].y, w.rows};
        jobs[p] = {entry_for(k.rows, active_isa()), task, rows_per_task(w.rows, row_bytes, n_tokens, pool_.size()),
                   n_tasks};
        n_tasks += (w.rows + jobs[p].rows_per_task - 1) / jobs[p].rows_per_task;
    }

    pool_.parallel_for(static_cast<size_t>(n_tasks), [&](size_t i) {
        size_t p = 0;
        while (p + 1 < n_products && static_cast<int64_t>(i) >= jobs[p + 1].first_task) ++p;
        const Job& job = jobs[p];
        const int64_t begin = (static_cast<int64_t>(i) - job.first_task) * job.rows_per_task;
        job.rows(job.task, begin, std::min(begin + job.rows_per_task, list[p].w.rows));
    });
}

}  // namespace kernels
