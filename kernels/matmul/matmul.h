// Quantized matrix-vector (decode) and matrix-matrix (prefill) products on weights as they sit in a GGUF file.
//
// The runtime's forward pass calls these for every projection:
//
//     kernels::ThreadPool pool(n_threads);
//     kernels::Matmul matmul(pool);                       // one per model; owns the activation scratch
//     kernels::Matrix wq{tensor.type, tensor.data, n_embd_out, n_embd_in};  // GGUF ne = {cols, rows}
//     matmul.matvec(wq, x, q);                            // q[rows] = W · x[cols]            (decode)
//     matmul.matmul(wq, x, n_tokens, q);                  // q[t][rows] = W · x[t][cols]      (prefill)
//     matmul.matmul_shared(x, n_tokens, {{wq, q}, {wk, k}, {wv, v}});   // one x, several W (Q/K/V, gate/up)
//
// How: the weights stay quantized (the mmapped blocks are read in place, never dequantized as a whole). The
// activations are quantized once per call into the 8-bit form llama.cpp pairs with the weight type (its
// vec_dot_type): q8_0 blocks for the 32-element formats, q8_K super-blocks for the K-quants; F32/F16/BF16
// weights take the float activations as they are. Each output is a sum of per-block integer dot products
// scaled in float, as llama.cpp computes it. Rows are split over the thread pool; every output element is
// computed by the same arithmetic whatever the split or the batch size, so results are bit-identical for
// any thread count, and a one-token matvec gives the same bits as the same token inside a batch.
//
// Memory: no allocation per call once the scratch has grown to the largest shape (call reserve() at load
// time to make even the first call allocation-free). A Matmul, like its pool, serves one caller at a time;
// outputs must not overlap x or each other.
//
// Speed: decode is bound by reading the weights; each thread streams one contiguous run of every matrix, the
// kernels prefetch ahead and keep per-block work small (the 32-element formats reduce the integer sums of 8
// rows, 4 on NEON, to one vector, so one float multiply-add serves them all). Prefill reuses each unpacked
// weight block across a tile of tokens (AVX2: 8 rows x 4 tokens for the 32-element formats, 1 row x 16 tokens
// for the K-quants, 3 x 4 for float weights; NEON: 4 x 4, 1 x 8 and 4 x 4).
//
// Embedding lookup is not a matmul: the runtime fetches one row of token_embd with gguf::dequantize_row
// (gguf/quant/quant.h) at data + token * row_bytes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <initializer_list>

#include "gguf/quant/ggml_type.h"
#include "kernels/common/thread_pool.h"
#include "kernels/matmul/quantized_activations.h"

namespace kernels {

// A weight matrix W of `rows` x `cols`: row r (one output feature) is `cols` elements of `type` at
// data + r * row_bytes(). A GGUF 2-D tensor with ne = {cols, rows} is exactly this.
struct Matrix {
    gguf::GgmlType type;
    const void* data;
    int64_t rows;
    int64_t cols;

    size_t row_bytes() const;
};

// Whether we have a kernel for this weight type (F32, F16, BF16, Q4_0, Q4_1, Q5_0, Q5_1, Q8_0, Q2_K..Q6_K).
bool matmul_supports(gguf::GgmlType type);

// One product of matmul_shared: y = W · x, written as n_tokens rows of W.rows floats.
struct Product {
    Matrix w;
    float* y;
};

class Matmul {
public:
    explicit Matmul(ThreadPool& pool) : pool_(pool) {}

    // Grows the activation scratch for batches up to n_tokens x cols, so that later calls never allocate.
    void reserve(int64_t n_tokens, int64_t cols);

    // y[rows] = W · x[cols].
    void matvec(const Matrix& w, const float* x, float* y) { matmul(w, x, 1, y); }
    // y[t][rows] = W · x[t][cols] for t < n_tokens; x and y are dense row-major.
    void matmul(const Matrix& w, const float* x, int64_t n_tokens, float* y);
    // Every product reads the same x: it is quantized once per activation type and all rows of all products
    // are spread over the pool in one dispatch. All matrices must have x's width; at most 8 products.
    // Throws kernels::MatmulError (matmul_error.h) for an unsupported type or a shape that does not fit
    // (checked per call, before any work; the kernels themselves never throw).
    void matmul_shared(const float* x, int64_t n_tokens, std::initializer_list<Product> products);

    ThreadPool& pool() { return pool_; }

private:
    const ActivationView& prepare(ActivationType type, const float* x, int64_t n_tokens, int64_t cols);

    ThreadPool& pool_;
    QuantizedActivations q8_0_{ActivationType::Q8_0};
    QuantizedActivations q8_k_{ActivationType::Q8_K};
    ActivationView f32_view_{};
};

}  // namespace kernels
