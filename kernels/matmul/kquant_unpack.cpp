#include "kernels/matmul/kquant_unpack.h"

#include <cstring>

#include "gguf/quant/blocks.h"
#include "gguf/quant/fp16.h"

namespace kernels {
namespace {

void clear_terms(KSuperBlock& out) {
    std::memset(out.bias, 0, sizeof out.bias);
    std::memset(out.min, 0, sizeof out.min);
    out.dmin = 0.0f;
}

// q2_K / q3_K: the 2 low bits of element 128 * half + 32 * pass + l sit at bits 2 * pass of qs[32 * half + l].
void unpack_low_bits_2(const uint8_t qs[64], uint8_t q[256]) {
    for (int half = 0; half < 2; ++half)
        for (int pass = 0; pass < 4; ++pass)
            for (int l = 0; l < 32; ++l) q[128 * half + 32 * pass + l] = (qs[32 * half + l] >> (2 * pass)) & 3;
}

// q4_K / q5_K: element 64 * j + l is the low nibble of qs[32 * j + l], element 64 * j + 32 + l the high one.
inline uint8_t low_nibble_k4(const uint8_t* qs, int e) {
    const uint8_t byte = qs[32 * (e / 64) + e % 32];
    return (e % 64 < 32) ? (byte & 0xF) : (byte >> 4);
}

}  // namespace

void decode_k4_scales(const uint8_t packed[12], uint8_t scales[8], uint8_t mins[8]) {
    for (int j = 0; j < 4; ++j) {
        scales[j] = packed[j] & 63;
        mins[j] = packed[j + 4] & 63;
        scales[j + 4] = (packed[j + 8] & 0xF) | ((packed[j] >> 6) << 4);
        mins[j + 4] = (packed[j + 8] >> 4) | ((packed[j + 4] >> 6) << 4);
    }
}

void decode_q3_K_scales(const uint8_t packed[12], int16_t scales[kKGroups]) {
    // 16 six-bit scales: low 4 bits from packed[0..7] (two per byte), high 2 bits from packed[8..11].
    for (int g = 0; g < kKGroups; ++g) {
        const int low = (packed[g % 8] >> (4 * (g / 8))) & 0xF;
        const int high = (packed[8 + g % 4] >> (2 * (g / 4))) & 3;
        scales[g] = static_cast<int16_t>((low | (high << 4)) - 32);
    }
}

void unpack_k4_terms(const uint8_t packed[12], uint16_t d, uint16_t dmin, KSuperBlock& out) {
    uint8_t scales[8], mins[8];
    decode_k4_scales(packed, scales, mins);
    for (int g = 0; g < kKGroups; ++g) {
        out.scale[g] = scales[g / 2];
        out.min[g] = mins[g / 2];
        out.bias[g] = 0;
    }
    out.d = gguf::fp16_to_fp32(d);
    out.dmin = gguf::fp16_to_fp32(dmin);
}

void unpack_q6_K_terms(const int8_t scales[16], uint16_t d, KSuperBlock& out) {
    clear_terms(out);
    for (int g = 0; g < kKGroups; ++g) {
        out.scale[g] = scales[g];
        out.bias[g] = static_cast<int16_t>(32 * out.scale[g]);
    }
    out.d = gguf::fp16_to_fp32(d);
}

void unpack_q2_K(const void* block, KSuperBlock& out) {
    const auto& b = *static_cast<const gguf::BlockQ2_K*>(block);
    unpack_low_bits_2(b.qs, out.q);
    for (int g = 0; g < kKGroups; ++g) {
        out.scale[g] = b.scales[g] & 0xF;
        out.min[g] = b.scales[g] >> 4;
        out.bias[g] = 0;
    }
    out.d = gguf::fp16_to_fp32(b.d);
    out.dmin = gguf::fp16_to_fp32(b.dmin);
}

void unpack_q3_K(const void* block, KSuperBlock& out) {
    const auto& b = *static_cast<const gguf::BlockQ3_K*>(block);
    // The high bit, bit 4 * half + pass of hmask[l], is set for q >= 0: stored value q + 4 = low | high << 2.
    unpack_low_bits_2(b.qs, out.q);
    for (int half = 0; half < 2; ++half)
        for (int pass = 0; pass < 4; ++pass)
            for (int l = 0; l < 32; ++l)
                out.q[128 * half + 32 * pass + l] |= static_cast<uint8_t>(((b.hmask[l] >> (4 * half + pass)) & 1) << 2);
    clear_terms(out);
    decode_q3_K_scales(b.scales, out.scale);
    for (int g = 0; g < kKGroups; ++g) out.bias[g] = static_cast<int16_t>(4 * out.scale[g]);
    out.d = gguf::fp16_to_fp32(b.d);
}

void unpack_q4_K(const void* block, KSuperBlock& out) {
    const auto& b = *static_cast<const gguf::BlockQ4_K*>(block);
    for (int e = 0; e < 256; ++e) out.q[e] = low_nibble_k4(b.qs, e);
    unpack_k4_terms(b.scales, b.d, b.dmin, out);
}

void unpack_q5_K(const void* block, KSuperBlock& out) {
    const auto& b = *static_cast<const gguf::BlockQ5_K*>(block);
    for (int e = 0; e < 256; ++e) {
        const int high = (b.qh[e % 32] >> (e / 32)) & 1;
        out.q[e] = static_cast<uint8_t>(low_nibble_k4(b.qs, e) | (high << 4));
    }
    unpack_k4_terms(b.scales, b.d, b.dmin, out);
}

void unpack_q6_K(const void* block, KSuperBlock& out) {
    const auto& b = *static_cast<const gguf::BlockQ6_K*>(block);
    // Element 128 * half + 32 * pass + l: low 4 bits from ql[64 * half + l + 32 * (pass & 1)] (low nibble for
    // passes 0-1, high for 2-3), high 2 bits at bits 2 * pass of qh[32 * half + l].
    for (int e = 0; e < 256; ++e) {
        const int half = e / 128, pass = (e % 128) / 32, l = e % 32;
        const uint8_t low_byte = b.ql[64 * half + l + 32 * (pass & 1)];
        const int low = pass < 2 ? (low_byte & 0xF) : (low_byte >> 4);
        const int high = (b.qh[32 * half + l] >> (2 * pass)) & 3;
        out.q[e] = static_cast<uint8_t>(low | (high << 4));
    }
    unpack_q6_K_terms(b.scales, b.d, out);
}

}  // namespace kernels
