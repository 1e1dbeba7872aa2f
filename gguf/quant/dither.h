// Stochastic (dithered) dequantization of Q4_0 and Q4_K (spec 10.3). Every value gets uniform noise
// u in [-0.5, 0.5) of one quantization step before it is scaled:
//   Q4_0: d * ((q - 8) + u)        Q4_K: (d * sc) * (q + u) - dmin * m
// so it stays within half a step of the deterministic value and averages to it over seeds.
// Dithering has no effect on other types: they dequantize deterministically and draw no noise.
//
// Noise: xorshift64 (shifts 13 left, 7 right, 17 left), one draw per output element in output order,
// u = float(state >> 40) * 2^-24 - 0.5, its state seeded with splitmix64 (0 is replaced by
// 0xDEADBEEFCAFEBABE). Streams: one per tensor row, seeded by dither_row_seed(run seed, tensor name,
// row), so a row's noise depends on neither the order rows are computed in nor the thread count.
#pragma once

#include <cstdint>
#include <string_view>

#include "gguf/quant/ggml_type.h"

namespace gguf {

uint64_t splitmix64(uint64_t z);

class DitherStream {
public:
    explicit DitherStream(uint64_t seed);
    float next() {  // in [-0.5, 0.5)
        state_ ^= state_ << 13;
        state_ ^= state_ >> 7;
        state_ ^= state_ << 17;
        return static_cast<float>(state_ >> 40) * 0x1p-24f - 0.5f;
    }

private:
    uint64_t state_;
};

// The seed of one row's stream: splitmix64(splitmix64(seed ^ fnv1a64(tensor_name)) + row).
uint64_t dither_row_seed(uint64_t seed, std::string_view tensor_name, uint64_t row);

bool dither_applies(GgmlType type);  // Q4_0 and Q4_K

// As dequantize_row, plus noise from `noise` for Q4_0 and Q4_K. Throws gguf::QuantError as dequantize_row does.
void dequantize_row_dithered(GgmlType type, const void* src, float* dst, int64_t n, DitherStream& noise);

}  // namespace gguf
