// The scales of q8_0 and q8_K activation blocks, shared by every instruction set's quantizer. Static, and
// calling only static or builtin functions, so that a set with flags of its own may call them
// (kernels/common/isa.h).
#pragma once

#include <cstdint>
#include <cstring>

#include "gguf/quant/fp16.h"
#include "kernels/matmul/quantized_activations.h"

namespace kernels {

// The scale a q8_0 block stores: f16, as the file format has it.
static inline float q8_0_scale(float amax) { return gguf::fp16_to_fp32(gguf::fp32_to_fp16(amax / 127.0f)); }

// What the values are multiplied by before rounding: 1 / d, unrounded, or 0 for an all-zero block.
static inline float q8_0_inverse_scale(float amax) {
    const float d = amax / 127.0f;
    return d != 0.0f ? 1.0f / d : 0.0f;
}

// q8_K's iscale = -127 / max for a block whose largest magnitude is amax > 0: max is the first element of
// that magnitude, the scalar version's choice.
static inline float q8_K_inverse_scale(const float* x, float amax) {
    int first = 0;
    while (first + 1 < kQ8_KBlock && __builtin_fabsf(x[first]) != amax) ++first;
    return -127.0f / x[first];
}

// An all-zero q8_K block: d = 0, q = 0, bsums = 0.
static inline void q8_K_zero_block(int8_t* qs, float* d, int16_t* bsums) {
    *d = 0.0f;
    std::memset(qs, 0, kQ8_KBlock);
    std::memset(bsums, 0, sizeof(int16_t) * (kQ8_KBlock / kQ8_KGroup));
}

}  // namespace kernels
