// SplitMix64, the seeded generator of the reference data: ../shared/golden/attention-crate.json ("generator"
// in the file) and scripts/llama-quant-hashes.c draw their inputs from it exactly like this.
#pragma once

#include <cstdint>

namespace test {

class SplitMix64 {
public:
    explicit SplitMix64(uint64_t seed) : state_(seed) {}
    uint64_t next() {
        uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
        return z ^ (z >> 31);
    }
    float uniform() { return static_cast<float>(next() >> 40) * 0x1p-24f; }  // [0, 1)
    float symmetric() { return uniform() * 2.0f - 1.0f; }                   // [-1, 1)
    float bell() {  // mean 0, in (-2, 2), roughly normal with sd 0.58
        float s = uniform();
        s += uniform();
        s += uniform();
        s += uniform();
        return s - 2.0f;
    }

private:
    uint64_t state_;
};

}  // namespace test
