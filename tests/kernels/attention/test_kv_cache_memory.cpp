// KV cache memory: the pages a cache holds follow the slots filled, not the capacity; copies (snapshot and
// restore) take and copy the slots in use only, and behave exactly as the cache they copy.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <algorithm>

#include "attention_fixtures.h"
#include "kernels/attention/kv_cache.h"
#include "kernels/attention/sparse_attention.h"

using kernels::KvCacheF16;
using kernels::Tensor3;

namespace {

constexpr size_t kKvHeads = 3, kDim = 64, kBlock = 64;  // one SmolLM2-135M layer

size_t page_bytes() { return static_cast<size_t>(::sysconf(_SC_PAGESIZE)); }

KvCacheF16 filled(size_t capacity, const Tensor3& k, const Tensor3& v, size_t slots) {
    KvCacheF16 cache(capacity, kKvHeads, kDim, kBlock);
    for (size_t t = 0; t < slots; ++t) cache.append_row(k.row(t, 0), v.row(t, 0));
    return cache;
}

// Every key and value of the slots in use, widened, plus the attention mass.
void check_same_slots(const KvCacheF16& a, const KvCacheF16& b) {
    REQUIRE(a.len() == b.len());
    for (size_t s = 0; s < a.len(); ++s)
        for (size_t h = 0; h < kKvHeads; ++h)
            for (size_t d = 0; d < kDim; ++d) {
                REQUIRE(a.key(s, h, d) == b.key(s, h, d));
                REQUIRE(a.value(s, h, d) == b.value(s, h, d));
            }
    CHECK(std::equal(a.attention_mass().begin(), a.attention_mass().end(), b.attention_mass().begin(),
                     b.attention_mass().end()));
}

}  // namespace

TEST_CASE("kv cache memory: 16 slots hold the same pages at a capacity of 512, 8192 and 32768", "[kvcache][memory]") {
    const Tensor3 k = test::attn::seeded_tensor(1, 16, kKvHeads, kDim), v = test::attn::seeded_tensor(2, 16, kKvHeads, kDim);
    const size_t page = page_bytes();
    CHECK(KvCacheF16(32768, kKvHeads, kDim, kBlock).resident_bytes() == 0);
    const size_t at_512 = filled(512, k, v, 16).resident_bytes();
    // 16 rows of 128 bytes: one page in each of the 3 key and 3 value regions, one of mass, one each of landmark
    // keys, values and counts.
    CHECK(at_512 == 10 * page);
    CHECK(filled(8192, k, v, 16).resident_bytes() == at_512);
    CHECK(filled(32768, k, v, 16).resident_bytes() == at_512);
}

TEST_CASE("kv cache memory: what a cache holds grows with the slots filled, never to the whole capacity", "[kvcache][memory]") {
    const size_t capacity = 32768, slots = 4096, page = page_bytes();
    const Tensor3 k = test::attn::seeded_tensor(3, slots, kKvHeads, kDim), v = test::attn::seeded_tensor(4, slots, kKvHeads, kDim);
    KvCacheF16 cache = filled(capacity, k, v, slots);
    const size_t row_bytes = 2 * kKvHeads * kDim * sizeof(uint16_t);  // a slot's keys and values
    const size_t tables = slots * sizeof(float) + slots / kBlock * (2 * kKvHeads * kDim * sizeof(float) + sizeof(uint32_t));
    const size_t expected = slots * row_bytes + tables;
    CHECK(cache.resident_bytes() >= expected);
    CHECK(cache.resident_bytes() <= expected + 10 * page);  // each region's last page partly used
    cache.reset();  // keeps its memory, touches no more
    CHECK(cache.resident_bytes() <= expected + 10 * page);
}

TEST_CASE("kv cache memory: a copy holds and copies the slots in use only, and attends as the original", "[kvcache][memory]") {
    const size_t capacity = 32768, page = page_bytes();
    const Tensor3 k = test::attn::seeded_tensor(5, 200, kKvHeads, kDim), v = test::attn::seeded_tensor(6, 200, kKvHeads, kDim);
    const Tensor3 q = test::attn::seeded_tensor(7, 200, 9, kDim);
    kernels::SparseAttentionConfig config;
    config.window = 32;
    config.block_size = kBlock;
    kernels::SparseAttention attention(config);
    KvCacheF16 cache(capacity, kKvHeads, kDim, kBlock);
    std::vector<float> out(9 * kDim);
    for (size_t t = 0; t < 150; ++t) {  // decodes collect attention mass
        cache.append_row(k.row(t, 0), v.row(t, 0));
        attention.attend_cached(q.row(t, 0), 1, 9, cache, out.data());
    }
    const KvCacheF16 copy(cache);
    check_same_slots(copy, cache);
    CHECK(copy.resident_bytes() == cache.resident_bytes());
    CHECK(copy.resident_bytes() < 40 * page);  // 150 slots, not 32768

    // Assigned over a cache that held more slots: the slots, landmarks and mass of the copy, and its behaviour.
    KvCacheF16 longer(capacity, kKvHeads, kDim, kBlock);
    for (size_t t = 0; t < 200; ++t) longer.append_row(k.row(t, 0), v.row(t, 0));
    longer = cache;
    check_same_slots(longer, cache);
    CHECK(test::attn::landmark_counts(longer.landmarks()) == test::attn::landmark_counts(cache.landmarks()));
    CHECK(test::attn::max_abs_diff(test::attn::landmark_keys(longer.landmarks()),
                                   test::attn::landmark_keys(cache.landmarks())) == 0.0f);
    std::vector<float> from_copy(9 * kDim);
    for (size_t t = 150; t < 200; ++t) {
        cache.append_row(k.row(t, 0), v.row(t, 0));
        longer.append_row(k.row(t, 0), v.row(t, 0));
        attention.attend_cached(q.row(t, 0), 1, 9, cache, out.data());
        attention.attend_cached(q.row(t, 0), 1, 9, longer, from_copy.data());
        REQUIRE(from_copy == out);
    }
    check_same_slots(longer, cache);

    // Assigned from a cache of another capacity: takes its shape.
    KvCacheF16 small(64, kKvHeads, kDim, kBlock);
    small = copy;
    CHECK(small.capacity() == capacity);
    check_same_slots(small, copy);
}

TEST_CASE("kv cache memory: rewinding to an earlier copy equals restoring it, and writes only mass and landmarks",
          "[kvcache][memory]") {
    const size_t capacity = 32768;
    const Tensor3 k = test::attn::seeded_tensor(8, 300, kKvHeads, kDim), v = test::attn::seeded_tensor(9, 300, kKvHeads, kDim);
    const Tensor3 q = test::attn::seeded_tensor(10, 300, 9, kDim);
    kernels::SparseAttentionConfig config;
    config.window = 32;
    config.block_size = kBlock;
    kernels::SparseAttention attention(config);
    std::vector<float> out(9 * kDim), from_rewound(9 * kDim);
    KvCacheF16 cache(capacity, kKvHeads, kDim, kBlock);
    auto decode = [&](KvCacheF16& c, size_t t, std::vector<float>& o) {
        c.append_row(k.row(t, 0), v.row(t, 0));
        attention.attend_cached(q.row(t, 0), 1, 9, c, o.data());
    };
    for (size_t t = 0; t < 150; ++t) decode(cache, t, out);  // 150: the last block partly filled
    const KvCacheF16 earlier(cache);

    // appends that collect mass on earlier slots and run into new blocks, a rolled-back step, more appends
    for (size_t t = 150; t < 260; ++t) decode(cache, t, out);
    cache.truncate(240);
    for (size_t t = 240; t < 250; ++t) decode(cache, t, out);
    cache.rewind_to(earlier);
    check_same_slots(cache, earlier);
    CHECK(cache.landmarks().blocks_used() == earlier.landmarks().blocks_used());
    CHECK(test::attn::landmark_counts(cache.landmarks()) == test::attn::landmark_counts(earlier.landmarks()));
    CHECK(test::attn::max_abs_diff(test::attn::landmark_keys(cache.landmarks()),
                                   test::attn::landmark_keys(earlier.landmarks())) == 0.0f);
    CHECK(test::attn::max_abs_diff(test::attn::landmark_values(cache.landmarks()),
                                   test::attn::landmark_values(earlier.landmarks())) == 0.0f);

    // and it goes on as a copy of the earlier cache does, bit for bit
    KvCacheF16 restored(capacity, kKvHeads, kDim, kBlock);
    restored = earlier;
    for (size_t t = 150; t < 300; ++t) {
        decode(restored, t, out);
        decode(cache, t, from_rewound);
        REQUIRE(from_rewound == out);
    }
    check_same_slots(cache, restored);

    // a cache shorter than the earlier one cannot hold its rows: it gets the copy
    KvCacheF16 shorter(capacity, kKvHeads, kDim, kBlock);
    shorter.rewind_to(earlier);
    check_same_slots(shorter, earlier);
}
