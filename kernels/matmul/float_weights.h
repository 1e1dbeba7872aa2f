// The float weight types as stored (F32, F16, BF16): bytes per element, and element c of a row as a float.
// The scalar kernels multiply with these; the SIMD kernels load several at a time and use these for a row's
// tail.
#pragma once

#include <cstdint>
#include <cstring>

#include "gguf/quant/fp16.h"

namespace kernels {

struct F32Weights {
    static constexpr int64_t kBytes = 4;
    static float at(const uint8_t* row, int64_t c) {
        float v;
        std::memcpy(&v, row + 4 * c, 4);
        return v;
    }
};

inline uint16_t u16_at(const uint8_t* row, int64_t c) {
    uint16_t h;
    std::memcpy(&h, row + 2 * c, 2);
    return h;
}

struct F16Weights {
    static constexpr int64_t kBytes = 2;
    static float at(const uint8_t* row, int64_t c) { return gguf::fp16_to_fp32(u16_at(row, c)); }
};

struct BF16Weights {
    static constexpr int64_t kBytes = 2;
    static float at(const uint8_t* row, int64_t c) { return gguf::bf16_to_fp32(u16_at(row, c)); }
};

}  // namespace kernels
