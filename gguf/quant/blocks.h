// Block layouts of ggml's quantized types, byte for byte as they sit in a GGUF file.
// Half-precision fields are raw IEEE half bits (see fp16.h). All little-endian.
#pragma once

#include <cstdint>

namespace gguf {

constexpr int kQK32 = 32;  // elements per block of the 32-element formats
constexpr int kQK_K = 256;  // elements per super-block of the K-quants
constexpr int kKScaleBytes = 12;

struct BlockQ4_0 {
    uint16_t d;            // scale
    uint8_t qs[kQK32 / 2]; // nibbles: element j in the low nibble of qs[j], j+16 in the high one
};
struct BlockQ4_1 {
    uint16_t d, m;         // scale, minimum
    uint8_t qs[kQK32 / 2];
};
struct BlockQ5_0 {
    uint16_t d;
    uint8_t qh[4];         // fifth bit of element j is bit j of this little-endian u32
    uint8_t qs[kQK32 / 2];
};
struct BlockQ5_1 {
    uint16_t d, m;
    uint8_t qh[4];
    uint8_t qs[kQK32 / 2];
};
struct BlockQ8_0 {
    uint16_t d;
    int8_t qs[kQK32];
};
struct BlockQ8_1 {
    uint16_t d, s;         // scale, d * sum(qs)
    int8_t qs[kQK32];
};
struct BlockQ2_K {
    uint8_t scales[kQK_K / 16];  // 4-bit scale and 4-bit min per 16 elements
    uint8_t qs[kQK_K / 4];
    uint16_t d, dmin;
};
struct BlockQ3_K {
    uint8_t hmask[kQK_K / 8];
    uint8_t qs[kQK_K / 4];
    uint8_t scales[kKScaleBytes];  // 6-bit scales, packed
    uint16_t d;
};
struct BlockQ4_K {
    uint16_t d, dmin;
    uint8_t scales[kKScaleBytes];  // 6-bit scales and mins of 8 sub-blocks, packed
    uint8_t qs[kQK_K / 2];
};
struct BlockQ5_K {
    uint16_t d, dmin;
    uint8_t scales[kKScaleBytes];
    uint8_t qh[kQK_K / 8];
    uint8_t qs[kQK_K / 2];
};
struct BlockQ6_K {
    uint8_t ql[kQK_K / 2];
    uint8_t qh[kQK_K / 4];
    int8_t scales[kQK_K / 16];
    uint16_t d;
};
struct BlockQ8_K {
    float d;
    int8_t qs[kQK_K];
    int16_t bsums[kQK_K / 16];   // sums of qs in groups of 16
};

static_assert(sizeof(BlockQ4_0) == 18, "q4_0 block");
static_assert(sizeof(BlockQ4_1) == 20, "q4_1 block");
static_assert(sizeof(BlockQ5_0) == 22, "q5_0 block");
static_assert(sizeof(BlockQ5_1) == 24, "q5_1 block");
static_assert(sizeof(BlockQ8_0) == 34, "q8_0 block");
static_assert(sizeof(BlockQ8_1) == 36, "q8_1 block");
static_assert(sizeof(BlockQ2_K) == 84, "q2_K block");
static_assert(sizeof(BlockQ3_K) == 110, "q3_K block");
static_assert(sizeof(BlockQ4_K) == 144, "q4_K block");
static_assert(sizeof(BlockQ5_K) == 176, "q5_K block");
static_assert(sizeof(BlockQ6_K) == 210, "q6_K block");
static_assert(sizeof(BlockQ8_K) == 292, "q8_K block");

}  // namespace gguf
