// The scale of a q8_0 activation block, shared by every instruction set's quantizer.
#pragma once

#include "gguf/quant/fp16.h"

namespace kernels {

// The scale a q8_0 block stores: f16, as the file format has it.
inline float q8_0_scale(float amax) { return gguf::fp16_to_fp32(gguf::fp32_to_fp16(amax / 127.0f)); }

// What the values are multiplied by before rounding: 1 / d, unrounded, or 0 for an all-zero block.
inline float q8_0_inverse_scale(float amax) {
    const float d = amax / 127.0f;
    return d != 0.0f ? 1.0f / d : 0.0f;
}

}  // namespace kernels
