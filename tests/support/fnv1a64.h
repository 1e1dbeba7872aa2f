// FNV-1a 64 over bytes, as the goldens in ../shared/golden hash dequantized tensors.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>

namespace test {

inline uint64_t fnv1a64(const void* data, size_t size) {
    const auto* bytes = static_cast<const uint8_t*>(data);
    uint64_t hash = 0xcbf29ce484222325ull;
    for (size_t i = 0; i < size; ++i) {
        hash ^= bytes[i];
        hash *= 0x100000001b3ull;
    }
    return hash;
}

inline std::string hex64(uint64_t value) {
    char text[17];
    std::snprintf(text, sizeof text, "%016llx", static_cast<unsigned long long>(value));
    return text;
}

}  // namespace test
