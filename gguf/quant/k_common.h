// Pieces shared by the K-quant formats (internal to gguf/): llama.cpp's rounding trick, its scale
// searches used by the reference quantizers, and the packings two formats share.
#pragma once

#include <cstdint>
#include <cstring>

#include "gguf/quant/blocks.h"

namespace gguf::formats {

// Round to nearest (ties to even) for |x| < 2^22, exactly as ggml's nearest_int.
inline int nearest_int(float x) {
    const float shifted = x + 12582912.0f;  // 1.5 * 2^23: the integer lands in the low mantissa bits
    int32_t bits;
    std::memcpy(&bits, &shifted, sizeof bits);
    return (bits & 0x007fffff) - 0x00400000;
}

struct SignedMax {
    float max;   // the element of largest magnitude, with its sign (the first one on ties)
    float amax;  // its magnitude
};
SignedMax signed_absmax(int n, const float* x);

// Scale searches of ggml-quants.c, with its float operation order (results are bit-identical).
// Each fills L with n quant levels and returns the scale.
//   symmetric_scale_search: make_qx_quants(n, nmax, x, L, rmse_type = 1, no weights); L in [0, 2 nmax).
//   q3_scale_search: make_q3_quants(n, nmax, x, L, do_rmse = true); L in [0, 2 nmax).
//   min_scale_search: make_qkx2_quants; L in [0, nmax]; *the_min receives minus the offset.
float symmetric_scale_search(int n, int nmax, const float* x, int8_t* L);
float q3_scale_search(int n, int nmax, const float* x, int8_t* L);
struct MinSearch {
    float rmin, rdelta;
    int nstep;
    bool use_mad;
};
float min_scale_search(int n, int nmax, const float* x, const float* weights, uint8_t* L, float* the_min,
                       const MinSearch& search);

// The 6-bit scale and min of sub-block j (0..7) of a Q4_K / Q5_K super-block (ggml's get_scale_min_k4).
inline void unpack_scale_min_k4(int j, const uint8_t* scales, uint8_t& sc, uint8_t& m) {
    if (j < 4) {
        sc = scales[j] & 63;
        m = scales[j + 4] & 63;
    } else {
        sc = static_cast<uint8_t>((scales[j + 4] & 0xF) | ((scales[j - 4] >> 6) << 4));
        m = static_cast<uint8_t>((scales[j + 4] >> 4) | ((scales[j] >> 6) << 4));
    }
}

// The scale and min of each of the 8 sub-blocks of a Q4_K / Q5_K super-block: d * sc and dmin * m.
inline void sub_block_scales_k4(float d, float dmin, const uint8_t* packed, float* scale, float* min) {
    for (int j = 0; j < 8; ++j) {
        uint8_t sc, m;
        unpack_scale_min_k4(j, packed, sc, m);
        scale[j] = d * static_cast<float>(sc);
        min[j] = dmin * static_cast<float>(m);
    }
}

// Levels 0..nmax of one Q4_K / Q5_K super-block x: searches each sub-block's scale and min, stores them
// 6-bit packed in packed_scales with the super-block scale and min (f16 bits) in *d and *dmin, then
// re-rounds every element against the scales as stored.
void quantize_levels_k4(const float* x, int nmax, const MinSearch& search, uint8_t* L, uint8_t* packed_scales,
                        uint16_t* d, uint16_t* dmin);

// Q2_K / Q3_K low bits: 256 two-bit values in 64 bytes; in each 128-element half, element 32 k + l (k < 4)
// sits in bits 2k..2k+1 of byte l.
void pack_2bit_k(const uint8_t* L, uint8_t* qs);
inline void unpack_2bit_k(const uint8_t* qs, uint8_t* L) {
    for (int half = 0; half < 2; ++half)
        for (int k = 0; k < 4; ++k)
            for (int l = 0; l < 32; ++l) L[128 * half + 32 * k + l] = (qs[32 * half + l] >> (2 * k)) & 3;
}

}  // namespace gguf::formats
