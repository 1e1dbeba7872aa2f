// A small open-addressing hash map for the tokenizer's large read-mostly tables (token text -> id, merge
// pair -> rank): one flat array with linear probing, several times faster to build and query than
// std::unordered_map's node per entry. Keys and values are small and trivially copyable; no erase.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <vector>

namespace tokenizer {

template <typename Key, typename Value, typename Hash = std::hash<Key>>
class FlatMap {
public:
    void reserve(size_t n) {
        if (2 * n <= slots_.size()) return;
        size_t capacity = 16;
        while (capacity < 2 * n) capacity *= 2;
        std::vector<Slot> old = std::move(slots_);
        slots_.assign(capacity, Slot{});
        for (const Slot& s : old)
            if (s.used) *probe(s.key) = s;
    }

    // Inserts or overwrites.
    void set(const Key& key, const Value& value) { *claim(key) = Slot{key, value, true}; }

    // Inserts unless the key is present; returns the value in the map.
    const Value& emplace(const Key& key, const Value& value) {
        Slot* slot = claim(key);
        if (!slot->used) *slot = Slot{key, value, true};
        return slot->value;
    }

    const Value* find(const Key& key) const {
        if (slots_.empty()) return nullptr;
        const Slot* slot = probe(key);
        return slot->used ? &slot->value : nullptr;
    }

    size_t size() const { return size_; }

private:
    struct Slot {
        Key key{};
        Value value{};
        bool used = false;
    };

    // std::hash of an integer is the integer itself; mixing spreads keys that differ in high bits only.
    static size_t mix(size_t h) {
        uint64_t x = h;
        x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
        x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
        return static_cast<size_t>(x ^ (x >> 31));
    }

    // The slot holding key, or the empty slot where it would go.
    Slot* probe(const Key& key) { return const_cast<Slot*>(static_cast<const FlatMap*>(this)->probe(key)); }
    const Slot* probe(const Key& key) const {
        const size_t mask = slots_.size() - 1;
        for (size_t i = mix(Hash{}(key)) & mask;; i = (i + 1) & mask)
            if (!slots_[i].used || slots_[i].key == key) return &slots_[i];
    }

    Slot* claim(const Key& key) {
        reserve(size_ + 1);
        Slot* slot = probe(key);
        size_ += !slot->used;
        return slot;
    }

    std::vector<Slot> slots_;
    size_t size_ = 0;
};

}  // namespace tokenizer
