// The runtime's random numbers (sampling, synthetic weights): xoshiro256** with its 256-bit state filled by
// splitmix64 from one 64-bit seed, so nearby seeds (42, 43) give unrelated streams and the same seed always
// the same stream.
#pragma once

#include <cstdint>

#include "gguf/quant/dither.h"

namespace runtime {

class Rng {
public:
    explicit Rng(uint64_t seed) {
        // The first four outputs of the splitmix64 sequence started at seed (never all zero: distinct
        // inputs of its bijective mix give distinct outputs).
        for (uint64_t i = 0; i < 4; ++i) s_[i] = gguf::splitmix64(seed + i * 0x9E3779B97F4A7C15ull);
    }

    uint64_t next() {
        const uint64_t result = rotl(s_[1] * 5, 7) * 9;
        const uint64_t t = s_[1] << 17;
        s_[2] ^= s_[0];
        s_[3] ^= s_[1];
        s_[1] ^= s_[2];
        s_[0] ^= s_[3];
        s_[2] ^= t;
        s_[3] = rotl(s_[3], 45);
        return result;
    }
    // Uniform in [0, 1) with 53 random bits.
    double uniform() { return static_cast<double>(next() >> 11) * 0x1p-53; }

private:
    static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
    uint64_t s_[4];
};

}  // namespace runtime
