#include "gguf/quant/dither.h"

#include <string>

#include "gguf/quant/blocks.h"
#include "gguf/quant/fp16.h"
#include "gguf/quant/k_common.h"
#include "gguf/quant/quant.h"
#include "gguf/quant/quant_error.h"

namespace gguf {
namespace {

void dither_q4_0(const BlockQ4_0* blocks, float* dst, int64_t n, DitherStream& noise) {
    for (int64_t b = 0; b < n / kQK32; ++b) {
        const float d = fp16_to_fp32(blocks[b].d);
        for (int j = 0; j < kQK32; ++j) {
            const uint8_t byte = blocks[b].qs[j % 16];
            const int q = (j < 16 ? byte & 0x0F : byte >> 4) - 8;
            *dst++ = d * (static_cast<float>(q) + noise.next());
        }
    }
}

void dither_q4_k(const BlockQ4_K* blocks, float* dst, int64_t n, DitherStream& noise) {
    for (int64_t b = 0; b < n / kQK_K; ++b) {
        float scale[8], min[8];
        formats::sub_block_scales_k4(fp16_to_fp32(blocks[b].d), fp16_to_fp32(blocks[b].dmin), blocks[b].scales,
                                     scale, min);
        for (int e = 0; e < kQK_K; ++e) {
            const int sub = e / 32;
            const uint8_t byte = blocks[b].qs[32 * (e / 64) + e % 32];
            const int q = sub % 2 == 0 ? byte & 0x0F : byte >> 4;
            *dst++ = scale[sub] * (static_cast<float>(q) + noise.next()) - min[sub];
        }
    }
}

uint64_t fnv1a64(std::string_view text) {
    uint64_t hash = 0xcbf29ce484222325ull;
    for (const char c : text) {
        hash ^= static_cast<uint8_t>(c);
        hash *= 0x100000001b3ull;
    }
    return hash;
}

}  // namespace

uint64_t splitmix64(uint64_t z) {
    z += 0x9E3779B97F4A7C15ull;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

DitherStream::DitherStream(uint64_t seed) : state_(splitmix64(seed)) {
    if (state_ == 0) state_ = 0xDEADBEEFCAFEBABEull;  // xorshift would stay at zero
}

uint64_t dither_row_seed(uint64_t seed, std::string_view tensor_name, uint64_t row) {
    return splitmix64(splitmix64(seed ^ fnv1a64(tensor_name)) + row);
}

bool dither_applies(GgmlType type) { return type == GgmlType::Q4_0 || type == GgmlType::Q4_K; }

void dequantize_row_dithered(GgmlType type, const void* src, float* dst, int64_t n, DitherStream& noise) {
    if (!dither_applies(type)) return dequantize_row(type, src, dst, n);
    if (n < 0 || !ggml_row_bytes(type, static_cast<uint64_t>(n)))
        throw QuantError("cannot dequantize " + std::to_string(n) + " elements of type " +
                         std::string(ggml_type_name(type)) + ": not a whole number of blocks");
    if (type == GgmlType::Q4_0) dither_q4_0(static_cast<const BlockQ4_0*>(src), dst, n, noise);
    if (type == GgmlType::Q4_K) dither_q4_k(static_cast<const BlockQ4_K*>(src), dst, n, noise);
}

}  // namespace gguf
