/* Development-time reference for tests/gguf/quant/test_quant_llama.cpp: runs llama.cpp's own type traits
 * (ggml's to_float and from_float_ref, the reference quantizers) on seeded data and prints FNV-1a 64
 * hashes of the results. Build and run with scripts/llama-quant-hashes.sh (needs the oracle's
 * libggml-base from ../shared/oracle); the test regenerates the same data and compares our output.
 *
 * The data (kept identical in tests/support/quant_test_data.h):
 *   splitmix64 stream from seed 2024; uniform() = (next >> 40) * 2^-24.
 *   Floats: 12 segments of 256; segment k: k < 8: bell() * kScales[k] with bell() = u+u+u+u - 2;
 *   8: zeros; 9: all 0.5; 10: -|bell()|; 11: bell() * 0.01 with element 37 = 50.
 *   Blocks: 4096 elements' worth of random bytes, each byte (next() & 0xFF), then every f16 field made
 *   finite (bit 14 cleared when its exponent is all ones; bf16 the same with its exponent) and q8_K's
 *   float scale replaced by (uniform() - 0.5) * 2^-6.
 * Columns: the quantized bytes of the floats, their dequantization, and the dequantization of the blocks.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ggml.h"

/* ggml's type traits leave q8_K's conversions out; these are the functions they would name. */
void quantize_row_q8_K_ref(const float* x, void* y, int64_t k);
void dequantize_row_q8_K(const void* x, float* y, int64_t k);

static void to_float(enum ggml_type type, const void* x, float* y, int64_t n) {
    if (type == GGML_TYPE_Q8_K) dequantize_row_q8_K(x, y, n);
    else ggml_get_type_traits(type)->to_float(x, y, n);
}

static void from_float(enum ggml_type type, const float* x, void* y, int64_t n) {
    if (type == GGML_TYPE_Q8_K) quantize_row_q8_K_ref(x, y, n);
    else ggml_get_type_traits(type)->from_float_ref(x, y, n);
}

static uint64_t state;

static uint64_t next(void) {
    uint64_t z = (state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

static float uniform(void) { return (float)(next() >> 40) * 0x1p-24f; }
static float bell(void) {
    float s = uniform();
    s += uniform();
    s += uniform();
    s += uniform();
    return s - 2.0f;
}

static uint64_t fnv1a64(const void* data, size_t size) {
    const uint8_t* p = data;
    uint64_t h = 0xcbf29ce484222325ull;
    for (size_t i = 0; i < size; ++i) { h ^= p[i]; h *= 0x100000001b3ull; }
    return h;
}

enum { kSegments = 12, kSegment = 256, kFloats = kSegments * kSegment, kBlockElems = 4096 };
static const float kScales[8] = {1.0f, 0.01f, 100.0f, 1e-5f, 3.7f, 0.25f, 1e4f, 1e-8f};

static void make_floats(float* x) {
    state = 2024;
    for (int k = 0; k < kSegments; ++k) {
        float* s = x + k * kSegment;
        for (int i = 0; i < kSegment; ++i) {
            switch (k) {
                case 8: s[i] = 0.0f; break;
                case 9: s[i] = 0.5f; break;
                case 10: { const float b = bell(); s[i] = b < 0 ? b : -b; } break;
                case 11: s[i] = bell() * 0.01f; break;
                default: s[i] = bell() * kScales[k]; break;
            }
        }
        if (k == 11) s[37] = 50.0f;
    }
}

static void finite_half(uint8_t* p, uint16_t exponent_mask) {
    uint16_t h;
    memcpy(&h, p, 2);
    if ((h & exponent_mask) == exponent_mask) h &= (uint16_t)~0x4000u;
    memcpy(p, &h, 2);
}

struct Layout { enum ggml_type type; const char* name; int half_offsets[2]; int n_halves; };
static const struct Layout kLayouts[] = {
    {GGML_TYPE_F16, "f16", {0}, -1},    {GGML_TYPE_BF16, "bf16", {0}, -2},  {GGML_TYPE_Q4_0, "q4_0", {0}, 1},
    {GGML_TYPE_Q4_1, "q4_1", {0, 2}, 2}, {GGML_TYPE_Q5_0, "q5_0", {0}, 1},   {GGML_TYPE_Q5_1, "q5_1", {0, 2}, 2},
    {GGML_TYPE_Q8_0, "q8_0", {0}, 1},    {GGML_TYPE_Q2_K, "q2_K", {80, 82}, 2}, {GGML_TYPE_Q3_K, "q3_K", {108}, 1},
    {GGML_TYPE_Q4_K, "q4_K", {0, 2}, 2}, {GGML_TYPE_Q5_K, "q5_K", {0, 2}, 2}, {GGML_TYPE_Q6_K, "q6_K", {208}, 1},
    {GGML_TYPE_Q8_K, "q8_K", {0}, 0},
};

static void make_blocks(const struct Layout* layout, uint8_t* bytes, size_t size) {
    const struct ggml_type_traits* t = ggml_get_type_traits(layout->type);
    state = 7;
    for (size_t i = 0; i < size; ++i) bytes[i] = (uint8_t)(next() & 0xFF);
    for (size_t b = 0; b < size; b += t->type_size) {
        if (layout->n_halves < 0) {  /* every element is a half: f16 (-1) or bf16 (-2) */
            finite_half(bytes + b, layout->n_halves == -1 ? 0x7C00 : 0x7F80);
        } else if (layout->n_halves == 0) {  /* q8_K: float scale */
            const float d = (uniform() - 0.5f) * 0x1p-6f;
            memcpy(bytes + b, &d, sizeof d);
        } else {
            for (int h = 0; h < layout->n_halves; ++h) finite_half(bytes + b + layout->half_offsets[h], 0x7C00);
        }
    }
}

int main(void) {
    static float x[kFloats], y[kBlockElems > kFloats ? kBlockElems : kFloats];
    static uint8_t q[kFloats * 4], blocks[kBlockElems * 4];
    make_floats(x);
    printf("%-5s %-18s %-18s %-18s\n", "type", "quantized bytes", "dequantized", "random blocks");
    for (size_t i = 0; i < sizeof kLayouts / sizeof kLayouts[0]; ++i) {
        const struct Layout* layout = &kLayouts[i];
        const struct ggml_type_traits* t = ggml_get_type_traits(layout->type);
        const size_t q_bytes = (size_t)(kFloats / t->blck_size) * t->type_size;
        memset(q, 0, sizeof q);  /* q8_K leaves an all-zero block's bsums untouched */
        from_float(layout->type, x, q, kFloats);
        const uint64_t h_q = fnv1a64(q, q_bytes);
        to_float(layout->type, q, y, kFloats);
        const uint64_t h_dq = fnv1a64(y, sizeof(float) * kFloats);
        const size_t b_bytes = (size_t)(kBlockElems / t->blck_size) * t->type_size;
        make_blocks(layout, blocks, b_bytes);
        to_float(layout->type, blocks, y, kBlockElems);
        const uint64_t h_b = fnv1a64(y, sizeof(float) * kBlockElems);
        printf("%-5s %016llx   %016llx   %016llx\n", layout->name, (unsigned long long)h_q,
               (unsigned long long)h_dq, (unsigned long long)h_b);
    }
    return 0;
}
