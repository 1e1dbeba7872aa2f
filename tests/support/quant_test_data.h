// Seeded data for the quant tests, generated exactly as scripts/llama-quant-hashes.c does, so that
// llama.cpp's hashes of it (printed by that script) can serve as expectations.
#pragma once

#include <cmath>
#include <cstdint>
#include <cstring>
#include <vector>

#include "gguf/quant/ggml_type.h"
#include "support/splitmix64.h"

namespace test {

constexpr int kSegment = 256;
constexpr int kSegments = 12;

// 12 segments of 256 floats: 8 bell-shaped at scales 1 .. 1e-8, zeros, a constant, all negative,
// and small values with one outlier.
inline std::vector<float> seeded_floats() {
    constexpr float kScales[8] = {1.0f, 0.01f, 100.0f, 1e-5f, 3.7f, 0.25f, 1e4f, 1e-8f};
    SplitMix64 rng(2024);
    std::vector<float> x(kSegments * kSegment);
    for (int k = 0; k < kSegments; ++k) {
        float* s = x.data() + k * kSegment;
        for (int i = 0; i < kSegment; ++i) {
            if (k == 8) s[i] = 0.0f;
            else if (k == 9) s[i] = 0.5f;
            else if (k == 10) s[i] = -std::abs(rng.bell());
            else if (k == 11) s[i] = rng.bell() * 0.01f;
            else s[i] = rng.bell() * kScales[k];
        }
        if (k == 11) s[37] = 50.0f;
    }
    return x;
}

// Random bytes for `elems` elements of a type, with every half-precision field made finite and q8_K's
// float scale set to a small random value.
inline std::vector<uint8_t> seeded_blocks(gguf::GgmlType type, int elems) {
    const auto& info = gguf::ggml_type_info(type);
    std::vector<uint8_t> bytes(elems / info.block_elems * info.block_bytes);
    SplitMix64 rng(7);
    for (auto& byte : bytes) byte = static_cast<uint8_t>(rng.next() & 0xFF);
    auto finite_half = [&](size_t at, uint16_t exponent_mask) {
        uint16_t h;
        std::memcpy(&h, &bytes[at], 2);
        if ((h & exponent_mask) == exponent_mask) h = static_cast<uint16_t>(h & ~0x4000u);
        std::memcpy(&bytes[at], &h, 2);
    };
    std::vector<size_t> half_offsets;  // f16 fields within a block
    switch (type) {
        case gguf::GgmlType::Q4_1: case gguf::GgmlType::Q5_1: case gguf::GgmlType::Q4_K: case gguf::GgmlType::Q5_K:
            half_offsets = {0, 2}; break;
        case gguf::GgmlType::Q2_K: half_offsets = {80, 82}; break;
        case gguf::GgmlType::Q3_K: half_offsets = {108}; break;
        case gguf::GgmlType::Q6_K: half_offsets = {208}; break;
        default: half_offsets = {0}; break;
    }
    for (size_t b = 0; b < bytes.size(); b += info.block_bytes) {
        if (type == gguf::GgmlType::F16 || type == gguf::GgmlType::BF16) {
            finite_half(b, type == gguf::GgmlType::F16 ? 0x7C00 : 0x7F80);
        } else if (type == gguf::GgmlType::Q8_K) {
            const float d = (rng.uniform() - 0.5f) * 0x1p-6f;
            std::memcpy(&bytes[b], &d, sizeof d);
        } else {
            for (const size_t at : half_offsets) finite_half(b + at, 0x7C00);
        }
    }
    return bytes;
}

// The 6-bit scale of sub-block j of a Q4_K / Q5_K super-block, from the layout in spec 10.2.
inline int k4_scale(const uint8_t* scales, int j) {
    return j < 4 ? scales[j] & 63 : (scales[j + 4] & 0xF) | ((scales[j - 4] >> 6) << 4);
}

}  // namespace test
