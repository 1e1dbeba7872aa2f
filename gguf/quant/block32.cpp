// The 32-element formats Q4_0, Q4_1, Q5_0, Q5_1 and Q8_0 (llama.cpp's "legacy" quants).
// Block layouts in quant_blocks.h. Element j of a block is the low nibble of qs[j] for j < 16 and the
// high nibble of qs[j - 16] otherwise; in Q5 the fifth bit of element j is bit j of qh (little-endian u32).
#include <algorithm>
#include <cfloat>
#include <cmath>
#include <cstring>

#include "gguf/quant/blocks.h"
#include "gguf/quant/formats.h"
#include "gguf/quant/fp16.h"

namespace gguf::formats {
namespace {

constexpr int kHalf = kQK32 / 2;

// The element of largest magnitude, with its sign (the first one on ties).
float signed_absmax(const float* x) {
    float amax = 0.0f;
    float max = 0.0f;
    for (int j = 0; j < kQK32; ++j) {
        if (amax < std::fabs(x[j])) {
            amax = std::fabs(x[j]);
            max = x[j];
        }
    }
    return max;
}

struct Range {
    float min, max;
};

Range value_range(const float* x) {
    Range r{FLT_MAX, -FLT_MAX};
    for (int j = 0; j < kQK32; ++j) {
        if (x[j] < r.min) r.min = x[j];
        if (x[j] > r.max) r.max = x[j];
    }
    return r;
}

uint32_t load_qh(const uint8_t* qh) {
    uint32_t bits;
    std::memcpy(&bits, qh, sizeof bits);
    return bits;
}

// The fifth bits of elements j and j + 16, moved to bit 4.
int high_bit_low_half(uint32_t qh, int j) { return static_cast<int>((qh >> j) << 4) & 0x10; }
int high_bit_high_half(uint32_t qh, int j) { return static_cast<int>(qh >> (j + 12)) & 0x10; }

// Packs 32 five-bit values: low nibbles into qs, fifth bits into qh.
void pack_q5(const int* q, uint8_t* qs, uint8_t* qh_bytes) {
    uint32_t qh = 0;
    for (int j = 0; j < kHalf; ++j) {
        qs[j] = static_cast<uint8_t>((q[j] & 0x0F) | ((q[j + kHalf] & 0x0F) << 4));
        qh |= static_cast<uint32_t>((q[j] & 0x10) >> 4) << j;
        qh |= static_cast<uint32_t>((q[j + kHalf] & 0x10) >> 4) << (j + kHalf);
    }
    std::memcpy(qh_bytes, &qh, sizeof qh);
}

inline float inverse_or_zero(float d) { return d != 0.0f ? 1.0f / d : 0.0f; }

}  // namespace

void dequantize_row_q4_0(const void* src, float* __restrict dst, int64_t n) {
    const auto* __restrict blocks = static_cast<const BlockQ4_0*>(src);
    for (int64_t b = 0; b < n / kQK32; ++b, dst += kQK32) {
        const uint8_t* qs = blocks[b].qs;
        const float d = fp16_to_fp32(blocks[b].d);
#pragma GCC unroll 1  // left whole, the 16-step loop is vectorized; fully unrolled it is not
        for (int j = 0; j < kHalf; ++j) {
            dst[j] = static_cast<float>((qs[j] & 0x0F) - 8) * d;
            dst[j + kHalf] = static_cast<float>((qs[j] >> 4) - 8) * d;
        }
    }
}

void quantize_row_q4_0(const float* src, void* dst, int64_t n) {
    auto* blocks = static_cast<BlockQ4_0*>(dst);
    for (int64_t b = 0; b < n / kQK32; ++b, src += kQK32) {
        const float d = signed_absmax(src) / -8;  // the extreme maps to -8, the end with one more step
        const float id = inverse_or_zero(d);
        blocks[b].d = fp32_to_fp16(d);
        for (int j = 0; j < kHalf; ++j) {
            const int q0 = std::min(15, static_cast<int>(src[j] * id + 8.5f));
            const int q1 = std::min(15, static_cast<int>(src[j + kHalf] * id + 8.5f));
            blocks[b].qs[j] = static_cast<uint8_t>(q0 | (q1 << 4));
        }
    }
}

void dequantize_row_q4_1(const void* src, float* __restrict dst, int64_t n) {
    const auto* __restrict blocks = static_cast<const BlockQ4_1*>(src);
    for (int64_t b = 0; b < n / kQK32; ++b, dst += kQK32) {
        const uint8_t* qs = blocks[b].qs;
        const float d = fp16_to_fp32(blocks[b].d);
        const float m = fp16_to_fp32(blocks[b].m);
#pragma GCC unroll 1
        for (int j = 0; j < kHalf; ++j) {
            dst[j] = static_cast<float>(qs[j] & 0x0F) * d + m;
            dst[j + kHalf] = static_cast<float>(qs[j] >> 4) * d + m;
        }
    }
}

void quantize_row_q4_1(const float* src, void* dst, int64_t n) {
    auto* blocks = static_cast<BlockQ4_1*>(dst);
    for (int64_t b = 0; b < n / kQK32; ++b, src += kQK32) {
        const Range r = value_range(src);
        const float d = (r.max - r.min) / 15;
        const float id = inverse_or_zero(d);
        blocks[b].d = fp32_to_fp16(d);
        blocks[b].m = fp32_to_fp16(r.min);
        for (int j = 0; j < kHalf; ++j) {
            const int q0 = std::min(15, static_cast<int>((src[j] - r.min) * id + 0.5f));
            const int q1 = std::min(15, static_cast<int>((src[j + kHalf] - r.min) * id + 0.5f));
            blocks[b].qs[j] = static_cast<uint8_t>(q0 | (q1 << 4));
        }
    }
}

void dequantize_row_q5_0(const void* src, float* __restrict dst, int64_t n) {
    const auto* __restrict blocks = static_cast<const BlockQ5_0*>(src);
    for (int64_t b = 0; b < n / kQK32; ++b, dst += kQK32) {
        const float d = fp16_to_fp32(blocks[b].d);
        const uint32_t qh = load_qh(blocks[b].qh);
        for (int j = 0; j < kHalf; ++j) {
            const int q0 = (blocks[b].qs[j] & 0x0F) | high_bit_low_half(qh, j);
            const int q1 = (blocks[b].qs[j] >> 4) | high_bit_high_half(qh, j);
            dst[j] = static_cast<float>(q0 - 16) * d;
            dst[j + kHalf] = static_cast<float>(q1 - 16) * d;
        }
    }
}

void quantize_row_q5_0(const float* src, void* dst, int64_t n) {
    auto* blocks = static_cast<BlockQ5_0*>(dst);
    for (int64_t b = 0; b < n / kQK32; ++b, src += kQK32) {
        const float d = signed_absmax(src) / -16;
        const float id = inverse_or_zero(d);
        blocks[b].d = fp32_to_fp16(d);
        int q[kQK32];
        for (int j = 0; j < kQK32; ++j) q[j] = std::min(31, static_cast<int>(src[j] * id + 16.5f));
        pack_q5(q, blocks[b].qs, blocks[b].qh);
    }
}

void dequantize_row_q5_1(const void* src, float* __restrict dst, int64_t n) {
    const auto* __restrict blocks = static_cast<const BlockQ5_1*>(src);
    for (int64_t b = 0; b < n / kQK32; ++b, dst += kQK32) {
        const float d = fp16_to_fp32(blocks[b].d);
        const float m = fp16_to_fp32(blocks[b].m);
        const uint32_t qh = load_qh(blocks[b].qh);
        for (int j = 0; j < kHalf; ++j) {
            const int q0 = (blocks[b].qs[j] & 0x0F) | high_bit_low_half(qh, j);
            const int q1 = (blocks[b].qs[j] >> 4) | high_bit_high_half(qh, j);
            dst[j] = static_cast<float>(q0) * d + m;
            dst[j + kHalf] = static_cast<float>(q1) * d + m;
        }
    }
}

void quantize_row_q5_1(const float* src, void* dst, int64_t n) {
    auto* blocks = static_cast<BlockQ5_1*>(dst);
    for (int64_t b = 0; b < n / kQK32; ++b, src += kQK32) {
        const Range r = value_range(src);
        const float d = (r.max - r.min) / 31;
        const float id = inverse_or_zero(d);
        blocks[b].d = fp32_to_fp16(d);
        blocks[b].m = fp32_to_fp16(r.min);
        int q[kQK32];
        // llama.cpp keeps only the low 5 bits without clamping: (x - min) * id <= 31 + rounding.
        for (int j = 0; j < kQK32; ++j) q[j] = static_cast<uint8_t>((src[j] - r.min) * id + 0.5f);
        pack_q5(q, blocks[b].qs, blocks[b].qh);
    }
}

void dequantize_row_q8_0(const void* src, float* __restrict dst, int64_t n) {
    const auto* __restrict blocks = static_cast<const BlockQ8_0*>(src);
    for (int64_t b = 0; b < n / kQK32; ++b, dst += kQK32) {
        const float d = fp16_to_fp32(blocks[b].d);
        for (int j = 0; j < kQK32; ++j) dst[j] = static_cast<float>(blocks[b].qs[j]) * d;
    }
}

void quantize_row_q8_0(const float* src, void* dst, int64_t n) {
    auto* blocks = static_cast<BlockQ8_0*>(dst);
    for (int64_t b = 0; b < n / kQK32; ++b, src += kQK32) {
        float amax = 0.0f;
        for (int j = 0; j < kQK32; ++j) amax = std::max(amax, std::fabs(src[j]));
        const float d = amax / 127;
        const float id = inverse_or_zero(d);
        blocks[b].d = fp32_to_fp16(d);
        for (int j = 0; j < kQK32; ++j) blocks[b].qs[j] = static_cast<int8_t>(std::round(src[j] * id));
    }
}

}  // namespace gguf::formats
