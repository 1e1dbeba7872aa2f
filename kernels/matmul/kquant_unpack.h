// K-quant super-blocks (q2_K .. q6_K, 256 weights each) in one common integer form, so that a single dot
// product kernel per ISA serves all five formats. With g = e / 16 the group of element e:
//
//     w[e] = d * (scale[g] * q[e] - bias[g]) - dmin * min[g]        q[e] in 0..63
//
// q2_K: 2-bit q, 4-bit scale and min per 16.    q3_K: q + 4 (3-bit signed), 6-bit signed scale, bias = 4 scale.
// q4_K: 4-bit q, 6-bit scale and min per 32.    q5_K: as q4_K with 5-bit q.
// q6_K: q + 32 (6-bit signed), int8 scale per 16, bias = 32 scale.
// Against q8_K activations (values x, scale dx, sums of 16) one super-block then contributes
//     dx * (d * (sum_g scale[g] * sum_{e in g} q[e] x[e] - sum_g bias[g] bsum[g]) - dmin * sum_g min[g] bsum[g])
// whose two sums are exact in int32 (at most 256 * 63 * 127 * 128 + 32 * 128 * 256 * 127 < 2^31).
#pragma once

#include <cstdint>

#include "gguf/quant/ggml_type.h"

namespace kernels {

constexpr int kKGroups = 16;  // groups of 16 elements per super-block

struct KSuperBlock {
    alignas(32) uint8_t q[256];
    int16_t scale[kKGroups];
    int16_t bias[kKGroups];
    int16_t min[kKGroups];
    float d, dmin;
};

using KUnpackFn = void (*)(const void* block, KSuperBlock& out);

void unpack_q2_K(const void* block, KSuperBlock& out);
void unpack_q3_K(const void* block, KSuperBlock& out);
void unpack_q4_K(const void* block, KSuperBlock& out);
void unpack_q5_K(const void* block, KSuperBlock& out);
void unpack_q6_K(const void* block, KSuperBlock& out);

// q4_K / q5_K pack 8 six-bit scales and 8 six-bit mins (one each per 32 elements) into 12 bytes.
void decode_k4_scales(const uint8_t packed[12], uint8_t scales[8], uint8_t mins[8]);
// q3_K packs 16 six-bit signed scales (stored + 32) into 12 bytes.
void decode_q3_K_scales(const uint8_t packed[12], int16_t scales[kKGroups]);
// The scale, min and d / dmin fields of q4_K / q5_K: 8 six-bit scales and 8 six-bit mins packed in 12 bytes,
// one per 32 elements (so each covers two groups of 16).
void unpack_k4_terms(const uint8_t packed[12], uint16_t d, uint16_t dmin, KSuperBlock& out);
// The scale and d fields of q6_K.
void unpack_q6_K_terms(const int8_t scales[16], uint16_t d, KSuperBlock& out);

// The same 6-bit scales and mins rearranged in four 32-bit words, for the SIMD unpackers (a store and reload
// of single bytes would stall on store forwarding): the bytes of words 0-1 are the 8 scales, those of words
// 2-3 the 8 mins. Static, so each file compiles its own copy with its own flags: a set with flags of its own
// may call it (kernels/common/isa.h).
static inline void k4_scale_words(const uint8_t packed[12], uint32_t w[4]) {
    __builtin_memcpy(w, packed, 12);
    constexpr uint32_t kLow6 = 0x3f3f3f3f, kLow4 = 0x0f0f0f0f, kLow2 = 0x03030303;
    w[3] = ((w[2] >> 4) & kLow4) | (((w[1] >> 6) & kLow2) << 4);
    const uint32_t mins_low = w[1] & kLow6;
    w[1] = (w[2] & kLow4) | (((w[0] >> 6) & kLow2) << 4);
    w[2] = mins_low;
    w[0] &= kLow6;
}

// The scalar super-block dot product described above.
inline int32_t kquant_int_dot(const KSuperBlock& w, const int8_t* x, const int16_t* bsums) {
    int32_t sum = 0;
    for (int g = 0; g < kKGroups; ++g) {
        int32_t group = 0;
        for (int e = g * 16; e < g * 16 + 16; ++e) group += w.q[e] * x[e];
        sum += w.scale[g] * group - w.bias[g] * bsums[g];
    }
    return sum;
}

inline int32_t kquant_min_dot(const KSuperBlock& w, const int16_t* bsums) {
    int32_t sum = 0;
    for (int g = 0; g < kKGroups; ++g) sum += w.min[g] * bsums[g];
    return sum;
}

}  // namespace kernels
