// Plain C++ kernels for every weight type: the reference the SIMD paths are tested against, and the path of
// builds without SIMD. One dot product per (row, token), block by block, as llama.cpp's generic vec_dot.
#include <algorithm>
#include <cmath>
#include <cstring>

#include "gguf/quant/blocks.h"
#include "gguf/quant/fp16.h"
#include "kernels/matmul/float_weights.h"
#include "kernels/matmul/gemm_kernels.h"
#include "kernels/matmul/kquant_unpack.h"
#include "kernels/matmul/mca_region.h"

namespace kernels::scalar {
namespace {

// ---- float weights against float activations

template <float (*ToFloat)(const uint8_t*, int64_t)>
float dot_float(const uint8_t* w, const ActivationView& x, int64_t t) {
    const float* xs = x.f32_row(t);
    float sum = 0.0f;
    for (int64_t c = 0; c < x.cols; ++c) {
        SPARSE_LLM_MCA_BEGIN("scalar", 1);
        sum += ToFloat(w, c) * xs[c];
        SPARSE_LLM_MCA_END("scalar", 1);
    }
    return sum;
}

// ---- 32-element formats against q8_0: w = d * q + m per element, q the integers of the block.

struct Int32Block {
    int8_t q[32];
    float d, m;
};

void int_q4_0(const void* p, Int32Block& out) {
    const auto& b = *static_cast<const gguf::BlockQ4_0*>(p);
    for (int j = 0; j < 16; ++j) {
        out.q[j] = static_cast<int8_t>((b.qs[j] & 0xF) - 8);
        out.q[j + 16] = static_cast<int8_t>((b.qs[j] >> 4) - 8);
    }
    out.d = gguf::fp16_to_fp32(b.d);
    out.m = 0.0f;
}

void int_q4_1(const void* p, Int32Block& out) {
    const auto& b = *static_cast<const gguf::BlockQ4_1*>(p);
    for (int j = 0; j < 16; ++j) {
        out.q[j] = static_cast<int8_t>(b.qs[j] & 0xF);
        out.q[j + 16] = static_cast<int8_t>(b.qs[j] >> 4);
    }
    out.d = gguf::fp16_to_fp32(b.d);
    out.m = gguf::fp16_to_fp32(b.m);
}

// The fifth bit of element j is bit j of qh (little-endian).
inline uint32_t fifth_bits(const uint8_t qh[4]) {
    uint32_t bits;
    std::memcpy(&bits, qh, 4);
    return bits;
}

void int_q5_0(const void* p, Int32Block& out) {
    const auto& b = *static_cast<const gguf::BlockQ5_0*>(p);
    const uint32_t high = fifth_bits(b.qh);
    for (int j = 0; j < 16; ++j) {
        out.q[j] = static_cast<int8_t>(((b.qs[j] & 0xF) | (((high >> j) & 1) << 4)) - 16);
        out.q[j + 16] = static_cast<int8_t>(((b.qs[j] >> 4) | (((high >> (j + 16)) & 1) << 4)) - 16);
    }
    out.d = gguf::fp16_to_fp32(b.d);
    out.m = 0.0f;
}

void int_q5_1(const void* p, Int32Block& out) {
    const auto& b = *static_cast<const gguf::BlockQ5_1*>(p);
    const uint32_t high = fifth_bits(b.qh);
    for (int j = 0; j < 16; ++j) {
        out.q[j] = static_cast<int8_t>((b.qs[j] & 0xF) | (((high >> j) & 1) << 4));
        out.q[j + 16] = static_cast<int8_t>((b.qs[j] >> 4) | (((high >> (j + 16)) & 1) << 4));
    }
    out.d = gguf::fp16_to_fp32(b.d);
    out.m = gguf::fp16_to_fp32(b.m);
}

void int_q8_0(const void* p, Int32Block& out) {
    const auto& b = *static_cast<const gguf::BlockQ8_0*>(p);
    std::memcpy(out.q, b.qs, 32);
    out.d = gguf::fp16_to_fp32(b.d);
    out.m = 0.0f;
}

// A quantized format for the scalar kernels: unpack one block, and add its part to the sum of a (row, token).
// sum_b (dw * dx) * sum_j qw qx  [+ (mw * dx) * sum_j qx]
template <typename BlockT, void (*ToInt)(const void*, Int32Block&), bool kHasMin>
struct Q32Format {
    using Block = BlockT;
    using Unpacked = Int32Block;
    static constexpr int64_t kElems = 32;
    static void unpack(const uint8_t* block, Unpacked& out) { ToInt(block, out); }
    static float add(float sum, const Unpacked& w, const ActivationView& x, int64_t t, int64_t b) {
        const int8_t* xq = x.qs_row(t) + 32 * b;
        const float dx = x.d_row(t)[b];
        int32_t products = 0, x_sum = 0;
        for (int j = 0; j < 32; ++j) {
            products += w.q[j] * xq[j];
            x_sum += xq[j];
        }
        sum = std::fma(w.d * dx, static_cast<float>(products), sum);
        if (kHasMin) sum = std::fma(w.m * dx, static_cast<float>(x_sum), sum);
        return sum;
    }
};

// K-quants against q8_K, through the common super-block form of kquant_unpack.h.
template <typename BlockT, KUnpackFn Unpack>
struct KFormat {
    using Block = BlockT;
    using Unpacked = KSuperBlock;
    static constexpr int64_t kElems = 256;
    static void unpack(const uint8_t* block, Unpacked& out) { Unpack(block, out); }
    static float add(float sum, const Unpacked& w, const ActivationView& x, int64_t t, int64_t b) {
        const int16_t* bsums = x.bsums_row(t) + kKGroups * b;
        const float dx = x.d_row(t)[b];
        sum = std::fma(w.d * dx, static_cast<float>(kquant_int_dot(w, x.qs_row(t) + 256 * b, bsums)), sum);
        sum = std::fma(-(w.dmin * dx), static_cast<float>(kquant_min_dot(w, bsums)), sum);
        return sum;
    }
};

// Each weight block is unpacked once for up to kTokens tokens; every (row, token) still sums its blocks in
// order, so the result does not depend on how tokens are grouped.
template <class F>
void rows_blocked(const GemmTask& task, int64_t row_begin, int64_t row_end) {
    constexpr int64_t kTokens = 16;
    const ActivationView& x = *task.x;
    typename F::Unpacked block;
    for (int64_t t0 = 0; t0 < x.n_tokens; t0 += kTokens) {
        const int64_t n = std::min(kTokens, x.n_tokens - t0);
        for (int64_t r = row_begin; r < row_end; ++r) {
            float sums[kTokens] = {};
            const uint8_t* row = task.w + r * task.row_bytes;
            for (int64_t b = 0; b < x.cols / F::kElems; ++b) {
                SPARSE_LLM_MCA_BEGIN("scalar", F::kElems);  // the token loop runs once in llvm-mca: decode
                F::unpack(row + b * sizeof(typename F::Block), block);
                for (int64_t k = 0; k < n; ++k) sums[k] = F::add(sums[k], block, x, t0 + k, b);
                SPARSE_LLM_MCA_END("scalar", F::kElems);
            }
            for (int64_t k = 0; k < n; ++k) task.y[(t0 + k) * task.y_stride + r] = sums[k];
        }
    }
}

template <float (*Dot)(const uint8_t*, const ActivationView&, int64_t)>
void rows_scalar(const GemmTask& task, int64_t row_begin, int64_t row_end) {
    for (int64_t t = 0; t < task.x->n_tokens; ++t)
        for (int64_t r = row_begin; r < row_end; ++r)
            task.y[t * task.y_stride + r] = Dot(task.w + r * task.row_bytes, *task.x, t);
}

using Q4_0 = Q32Format<gguf::BlockQ4_0, int_q4_0, false>;
using Q4_1 = Q32Format<gguf::BlockQ4_1, int_q4_1, true>;
using Q5_0 = Q32Format<gguf::BlockQ5_0, int_q5_0, false>;
using Q5_1 = Q32Format<gguf::BlockQ5_1, int_q5_1, true>;
using Q8_0 = Q32Format<gguf::BlockQ8_0, int_q8_0, false>;
using Q2_K = KFormat<gguf::BlockQ2_K, unpack_q2_K>;
using Q3_K = KFormat<gguf::BlockQ3_K, unpack_q3_K>;
using Q4_K = KFormat<gguf::BlockQ4_K, unpack_q4_K>;
using Q5_K = KFormat<gguf::BlockQ5_K, unpack_q5_K>;
using Q6_K = KFormat<gguf::BlockQ6_K, unpack_q6_K>;

}  // namespace

void gemm_f32(const GemmTask& task, int64_t begin, int64_t end) { rows_scalar<dot_float<F32Weights::at>>(task, begin, end); }
void gemm_f16(const GemmTask& task, int64_t begin, int64_t end) { rows_scalar<dot_float<F16Weights::at>>(task, begin, end); }
void gemm_bf16(const GemmTask& task, int64_t begin, int64_t end) { rows_scalar<dot_float<BF16Weights::at>>(task, begin, end); }

void gemm_q4_0(const GemmTask& task, int64_t begin, int64_t end) { rows_blocked<Q4_0>(task, begin, end); }
void gemm_q4_1(const GemmTask& task, int64_t begin, int64_t end) { rows_blocked<Q4_1>(task, begin, end); }
void gemm_q5_0(const GemmTask& task, int64_t begin, int64_t end) { rows_blocked<Q5_0>(task, begin, end); }
void gemm_q5_1(const GemmTask& task, int64_t begin, int64_t end) { rows_blocked<Q5_1>(task, begin, end); }
void gemm_q8_0(const GemmTask& task, int64_t begin, int64_t end) { rows_blocked<Q8_0>(task, begin, end); }

void gemm_q2_k(const GemmTask& task, int64_t begin, int64_t end) { rows_blocked<Q2_K>(task, begin, end); }
void gemm_q3_k(const GemmTask& task, int64_t begin, int64_t end) { rows_blocked<Q3_K>(task, begin, end); }
void gemm_q4_k(const GemmTask& task, int64_t begin, int64_t end) { rows_blocked<Q4_K>(task, begin, end); }
void gemm_q5_k(const GemmTask& task, int64_t begin, int64_t end) { rows_blocked<Q5_K>(task, begin, end); }
void gemm_q6_k(const GemmTask& task, int64_t begin, int64_t end) { rows_blocked<Q6_K>(task, begin, end); }

}  // namespace kernels::scalar
