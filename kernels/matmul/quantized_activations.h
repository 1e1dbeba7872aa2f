// Activations in the form a weight type's dot product wants them (llama.cpp's vec_dot_type):
// float as they are, or quantized to 8-bit blocks, q8_0 (32 values, one scale) or q8_K (256 values, one
// scale, sums of each 16).
//
// Quantization follows llama.cpp's quantize_row_q8_0_ref and quantize_row_q8_K_ref value for value:
//   q8_0: d = amax / 127, q = roundf(x * (1 / d)) (halves away from zero); d is kept as f16, as in the
//         block, so the scale used by the dot product is exactly the file format's. bsums = sums of the 32 q
//         of each block (what the unsigned weight formats' offsets and minimums multiply).
//   q8_K: the element of largest magnitude, max, sets iscale = -127 / max; q = min(127, nearest(iscale * x))
//         (halves to even); d = 1 / iscale (so d is negative for a positive max); bsums = sums of 16 q.
//         An all-zero block gives d = 0, q = 0, bsums = 0.
// The layout is ours (struct of arrays, so the int8 values of a token are contiguous and 32-byte aligned).
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "kernels/common/isa.h"

namespace kernels {

enum class ActivationType { F32, Q8_0, Q8_K };

constexpr int kQ8_0Block = 32;
constexpr int kQ8_KBlock = 256;
constexpr int kQ8_KGroup = 16;  // elements per bsum

// One token's quantized activations.
struct QuantizedRow {
    const int8_t* qs;      // cols values
    const float* d;        // a scale per block
    const int16_t* bsums;  // Q8_K: a sum per 16 values; Q8_0: per block
};

// n_tokens rows of cols activations, read-only, in one of the forms above.
struct ActivationView {
    ActivationType type = ActivationType::F32;
    int64_t n_tokens = 0;
    int64_t cols = 0;
    const float* f32 = nullptr;     // F32: n_tokens x cols
    const int8_t* qs = nullptr;     // Q8_*: n_tokens x cols quantized values
    const float* d = nullptr;       // Q8_*: n_tokens x cols/block scales
    const int16_t* bsums = nullptr; // Q8_K: n_tokens x cols/16 sums of 16 values; Q8_0: cols/32 sums of 32

    const float* f32_row(int64_t t) const { return f32 + t * cols; }
    const int8_t* qs_row(int64_t t) const { return qs + t * cols; }
    const float* d_row(int64_t t) const {
        return d + t * (cols / (type == ActivationType::Q8_K ? kQ8_KBlock : kQ8_0Block));
    }
    const int16_t* bsums_row(int64_t t) const {
        return bsums + t * (cols / (type == ActivationType::Q8_K ? kQ8_KGroup : kQ8_0Block));
    }
    QuantizedRow quantized_row(int64_t t) const { return {qs_row(t), d_row(t), bsums_row(t)}; }
};

// Quantizes one token row: n values of x into qs, d and bsums. n must be a multiple of the block.
using QuantizeActivationsFn = void (*)(const float* x, int8_t* qs, float* d, int16_t* bsums, int64_t n);

// The quantizer of Q8_0 or Q8_K activations in an instruction set (its fallback's where it has none); every
// set gives the same results.
QuantizeActivationsFn activation_quantizer(ActivationType type, Isa isa);

// Each set's quantizers, in kernels/matmul/<isa>/quantize_activations_<isa>.cpp.
namespace scalar {
void quantize_row_q8_0(const float* x, int8_t* qs, float* d, int16_t* bsums, int64_t n);
void quantize_row_q8_K(const float* x, int8_t* qs, float* d, int16_t* bsums, int64_t n);
}  // namespace scalar
namespace avx2 {
void quantize_row_q8_0(const float* x, int8_t* qs, float* d, int16_t* bsums, int64_t n);
void quantize_row_q8_K(const float* x, int8_t* qs, float* d, int16_t* bsums, int64_t n);
}  // namespace avx2
namespace neon {
void quantize_row_q8_0(const float* x, int8_t* qs, float* d, int16_t* bsums, int64_t n);
void quantize_row_q8_K(const float* x, int8_t* qs, float* d, int16_t* bsums, int64_t n);
}  // namespace neon

// Owns quantized activations of one type; the storage grows to the largest shape seen and is reused.
class QuantizedActivations {
public:
    // Quantizes with the active instruction set's quantizer.
    explicit QuantizedActivations(ActivationType type);

    void reserve(int64_t n_tokens, int64_t cols);
    // Quantizes n_tokens rows of cols floats (dense) and returns the view; the view stays valid until the
    // next call. cols must be a multiple of the block. The caller supplies how token rows are run (inline or
    // over a thread pool): run(n, fn) must call fn(i) for every i < n.
    template <typename Runner>
    const ActivationView& quantize(const float* x, int64_t n_tokens, int64_t cols, Runner&& run) {
        layout(n_tokens, cols);
        run(static_cast<size_t>(n_tokens), [&](size_t t) { quantize_token(x, static_cast<int64_t>(t)); });
        return view_;
    }
    const ActivationView& quantize(const float* x, int64_t n_tokens, int64_t cols) {
        return quantize(x, n_tokens, cols, [](size_t n, auto&& fn) { for (size_t i = 0; i < n; ++i) fn(i); });
    }

private:
    void layout(int64_t n_tokens, int64_t cols);
    void quantize_token(const float* x, int64_t t);

    ActivationType type_;
    QuantizeActivationsFn quantize_row_;
    std::vector<uint8_t> storage_;
    int8_t* qs_ = nullptr;   // where view_ points, writable
    float* d_ = nullptr;
    int16_t* bsums_ = nullptr;
    ActivationView view_;
};

}  // namespace kernels
