// KvCache / KvCacheF16: the crate's cache tests (spec §8 items 13-16, 26), fp16 round trip, H2O eviction
// (golden cases 12, 12b, 12c and the budget properties), and bad input.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <limits>

#include "attention_fixtures.h"
#include "gguf/quant/fp16.h"
#include "kernels/attention/kv_cache.h"
#include "kernels/attention/landmarks.h"
#include "kernels/attention/sparse_attention.h"

using kernels::KvCache;
using kernels::KvCacheF16;
using kernels::Tensor3;

TEST_CASE("kv cache: append, length, capacity error and reset", "[kvcache]") {
    KvCache cache(64, 4, 16, 8);
    CHECK(cache.len() == 0);
    const Tensor3 row = test::attn::make_tensor(1, 4, 16);
    cache.try_append(row, row);
    CHECK(cache.len() == 1);
    cache.try_append(row, row);
    CHECK(cache.len() == 2);
    cache.reset();
    CHECK(cache.len() == 0);
    CHECK_FALSE(cache.is_full());

    KvCache small(2, 4, 16, 8);
    small.try_append(row, row);
    small.try_append(row, row);
    CHECK(small.is_full());
    CHECK_THROWS_AS(small.try_append(row, row), kernels::InvalidConfig);
    CHECK(small.len() == 2);
}

TEST_CASE("kv cache: bad rows are typed errors and write nothing", "[kvcache][errors]") {
    KvCache cache(4, 2, 8, 4);
    const Tensor3 good = test::attn::make_tensor(1, 2, 8);
    CHECK_THROWS_AS(cache.try_append(test::attn::make_tensor(1, 2, 7), good), kernels::ShapeMismatch);
    CHECK_THROWS_AS(cache.try_append(test::attn::make_tensor(1, 3, 8), test::attn::make_tensor(1, 3, 8)),
                    kernels::ShapeMismatch);
    CHECK_THROWS_AS(cache.try_append(test::attn::make_tensor(2, 2, 8), test::attn::make_tensor(2, 2, 8)),
                    kernels::ShapeMismatch);
    const Tensor3 five = test::attn::make_tensor(5, 2, 8);
    CHECK_THROWS_AS(cache.append_all(five, five), kernels::InvalidConfig);
    CHECK(cache.len() == 0);
    CHECK_THROWS_AS(KvCache(4, 0, 8, 4), kernels::InvalidConfig);
    CHECK_THROWS_AS(KvCacheF16(SIZE_MAX / 2, 4, 8, 4), kernels::InvalidConfig);
}

TEST_CASE("kv cache: incremental landmarks equal static block means", "[kvcache][landmarks]") {
    const Tensor3 k = test::attn::make_tensor(16, 2, 8);
    Tensor3 v = test::attn::make_tensor(16, 2, 8);
    for (float& x : v.data()) x = 1.0f - x;
    KvCache cache(16, 2, 8, 4);
    cache.append_all(k, v);
    const Tensor3 keys = test::attn::block_means(k, 4), values = test::attn::block_means(v, 4);
    CHECK(test::attn::max_abs_diff(test::attn::landmark_keys(cache.landmarks()), keys) < 1e-5f);
    CHECK(test::attn::max_abs_diff(test::attn::landmark_values(cache.landmarks()), values) < 1e-5f);
}

TEST_CASE("kv cache f16: stored rows are the nearest fp16 values (error < 1e-2), landmarks stay f32",
          "[kvcache][f16]") {
    KvCacheF16 cache(16, 2, 8, 4);
    Tensor3 k = test::attn::seeded_tensor(31, 16, 2, 8), v = test::attn::seeded_tensor(32, 16, 2, 8);
    for (size_t t = 0; t < 16; ++t)  // magnitudes 1e-3 .. 10, so the rounding covers several exponents
        for (size_t h = 0; h < 2; ++h)
            for (size_t d = 0; d < 8; ++d) k.set(t, h, d, k.get(t, h, d) * std::pow(10.0f, float(t % 5) - 3.0f));
    for (size_t t = 0; t < 16; ++t) cache.try_append(test::attn::row_of(k, t), test::attn::row_of(v, t));
    auto nearest_half = [](float x) { return gguf::fp16_to_fp32(gguf::fp32_to_fp16(x)); };
    for (size_t t = 0; t < 16; ++t)
        for (size_t h = 0; h < 2; ++h)
            for (size_t d = 0; d < 8; ++d) {
                INFO("t " << t << " h " << h << " d " << d);
                CHECK(cache.key(t, h, d) == nearest_half(k.get(t, h, d)));
                CHECK(cache.value(t, h, d) == nearest_half(v.get(t, h, d)));
                // Round to nearest: within half a unit in the last place (11 significant bits; subnormal
                // halves, below 2^-14, are spaced 2^-24).
                const float x = k.get(t, h, d);
                CHECK(std::fabs(cache.key(t, h, d) - x) <= std::max(std::fabs(x) * 0x1p-11f, 0x1p-25f));
                CHECK(std::fabs(cache.value(t, h, d) - v.get(t, h, d)) < 1e-2f);
            }
    CHECK(test::attn::max_abs_diff(test::attn::landmark_keys(cache.landmarks()), test::attn::block_means(k, 4)) < 1e-6f);
    CHECK(test::attn::max_abs_diff(test::attn::landmark_values(cache.landmarks()), test::attn::block_means(v, 4)) < 1e-6f);
}

namespace {

struct EvictionRun {
    std::vector<size_t> victims;
    std::vector<size_t> positions;  // original position held by each slot
};

// Golden 12*: 64 prefill rows, then evict_and_append of row c of the seed-4/5 stream with scores(c).
template <typename Scores>
EvictionRun run_golden_eviction(const test::json::Value& c, KvCache& cache, Scores&& scores_for_call) {
    const Tensor3 k = test::attn::golden_input(c["inputs"]["k"]);
    const Tensor3 v = test::attn::golden_input(c["inputs"]["v"]);
    const Tensor3 new_k = test::attn::golden_input(c["inputs"]["new_k"]);
    const Tensor3 new_v = test::attn::golden_input(c["inputs"]["new_v"]);
    cache.append_all(k, v);
    EvictionRun run;
    for (size_t p = 0; p < 64; ++p) run.positions.push_back(p);
    const size_t window = c["params"]["evict_window"].as_uint();
    for (size_t call = 0; call < c["params"]["calls"].as_uint(); ++call) {
        const size_t victim = cache.evict_and_append(test::attn::row_of(new_k, call), test::attn::row_of(new_v, call),
                                                     scores_for_call(call), {0}, window);
        run.victims.push_back(victim);
        run.positions.erase(run.positions.begin() + static_cast<ptrdiff_t>(victim));
        run.positions.push_back(64 + call);
    }
    // The rows really moved: each slot holds the key row of the position we track for it.
    for (size_t slot = 0; slot < cache.len(); ++slot) {
        const size_t p = run.positions[slot];
        const float expected = p < 64 ? k.get(p, 3, 31) : new_k.get(p - 64, 3, 31);
        REQUIRE(cache.key(slot, 3, 31) == expected);
    }
    return run;
}

void check_golden_eviction(const char* name, size_t score_modulus, size_t call_shift) {
    const auto& c = test::attn::golden_case(name);
    KvCache cache(64, 4, 32, 16);
    const EvictionRun run = run_golden_eviction(c, cache, [&](size_t call) {
        std::vector<float> scores(64);
        for (size_t j = 0; j < 64; ++j) scores[j] = static_cast<float>((j * 37 + call_shift * call) % score_modulus);
        return scores;
    });
    const auto& calls = c["all_calls"];
    REQUIRE(run.victims.size() == calls.size());
    for (size_t i = 0; i < calls.size(); ++i) CHECK(run.victims[i] == calls[i]["victim_slot"].as_uint());
    std::vector<size_t> expected_positions;
    for (const auto& p : c["final_positions_by_slot"].items()) expected_positions.push_back(p.as_uint());
    CHECK(run.positions == expected_positions);
    CHECK(cache.len() == c["final_len"].as_uint());

    kernels::SparseAttention attention(test::attn::config_from_json(c["config"]));
    const Tensor3 q = test::attn::golden_input(c["inputs"]["q"]);
    test::attn::check_summary(attention.decode_step(q, cache).data(), c["final_decode_output"]);
}

}  // namespace

TEST_CASE("golden: H2O evict_and_append victims, positions and decode (cases 12, 12b, 12c)", "[kvcache][h2o][golden]") {
    SKIP_WITHOUT_SHARED();
    check_golden_eviction("12_h2o_evict_and_append", 64, 0);
    check_golden_eviction("12b_h2o_evict_and_append_ties_varying_scores", 16, 11);
    check_golden_eviction("12c_h2o_evict_and_append_all_protected_fallback", 64, 0);
}

TEST_CASE("h2o: eviction after compaction rebuilds landmarks as a fresh cache would", "[kvcache][h2o]") {
    const Tensor3 k = test::attn::seeded_tensor(2, 40, 2, 8), v = test::attn::seeded_tensor(3, 40, 2, 8);
    KvCache cache(32, 2, 8, 4);
    cache.append_all(test::attn::rows_of(k, 0, 32), test::attn::rows_of(v, 0, 32));
    std::vector<float> scores(32, 5.0f);
    scores[9] = 1.0f;
    CHECK(cache.evict_and_append(test::attn::row_of(k, 32), test::attn::row_of(v, 32), scores, {0}, 4) == 9);
    KvCache fresh(32, 2, 8, 4);
    for (size_t p = 0; p <= 32; ++p)
        if (p != 9) fresh.try_append(test::attn::row_of(k, p), test::attn::row_of(v, p));
    CHECK(test::attn::max_abs_diff(test::attn::landmark_keys(cache.landmarks()), test::attn::landmark_keys(fresh.landmarks())) == 0.0f);
    CHECK(test::attn::max_abs_diff(test::attn::landmark_values(cache.landmarks()), test::attn::landmark_values(fresh.landmarks())) == 0.0f);
    CHECK_THROWS_AS(cache.evict_and_append(test::attn::row_of(k, 33), test::attn::row_of(v, 33),
                                           std::vector<float>(31), {0}, 4),
                    kernels::InvalidConfig);
}

TEST_CASE("kv cache: truncate drops the last rows as if they had never been appended", "[kvcache]") {
    const Tensor3 k = test::attn::seeded_tensor(2, 50, 2, 8), v = test::attn::seeded_tensor(3, 50, 2, 8);
    kernels::SparseAttentionConfig config;
    config.window = 8;
    config.block_size = 4;
    kernels::SparseAttention attention(config);
    KvCache cache(64, 2, 8, 4), fresh(64, 2, 8, 4);
    KvCacheF16 half(64, 2, 8, 4);
    cache.append_all(k, v);
    half.append_all(k, v);
    fresh.append_all(test::attn::rows_of(k, 0, 37), test::attn::rows_of(v, 0, 37));
    cache.truncate(37);
    half.truncate(37);
    cache.truncate(40);  // longer than len: nothing happens
    REQUIRE(cache.len() == 37);
    CHECK(test::attn::max_abs_diff(test::attn::landmark_keys(cache.landmarks()), test::attn::landmark_keys(fresh.landmarks())) == 0.0f);
    CHECK(test::attn::max_abs_diff(test::attn::landmark_values(cache.landmarks()), test::attn::landmark_values(fresh.landmarks())) == 0.0f);
    CHECK(test::attn::max_abs_diff(test::attn::landmark_keys(half.landmarks()), test::attn::landmark_keys(fresh.landmarks())) < 1e-3f);
    for (size_t s = 37; s < 50; ++s) CHECK(cache.attention_mass().data[s] == 0.0f);  // cleared beyond len()
    const Tensor3 q = test::attn::seeded_tensor(1, 1, 2, 8);
    CHECK(test::attn::max_abs_diff(attention.decode_step(q, cache), attention.decode_step(q, fresh)) == 0.0f);
    cache.try_append(test::attn::row_of(k, 37), test::attn::row_of(v, 37));
    fresh.try_append(test::attn::row_of(k, 37), test::attn::row_of(v, 37));
    CHECK(test::attn::max_abs_diff(test::attn::landmark_keys(cache.landmarks()), test::attn::landmark_keys(fresh.landmarks())) == 0.0f);
}

TEST_CASE("kv cache: a block beyond the capacity (SIZE_MAX too) is one partial block, as a block of the capacity",
          "[kvcache][landmarks][limits]") {
    // Spec §5.1: max_blocks = ceil(capacity / B), so any B >= capacity gives one block holding every slot.
    constexpr size_t kMax = std::numeric_limits<size_t>::max();
    const Tensor3 k = test::attn::seeded_tensor(2, 24, 2, 8), v = test::attn::seeded_tensor(3, 24, 2, 8);
    const Tensor3 k16 = test::attn::rows_of(k, 0, 16), v16 = test::attn::rows_of(v, 0, 16);
    const kernels::H2oPolicy policy{{0}, 4};
    for (size_t block : {size_t{17}, kMax - 8, kMax - 1, kMax}) {
        INFO("block " << block);
        KvCache cache(16, 2, 8, block), reference(16, 2, 8, 16);
        KvCacheF16 half(16, 2, 8, block), half_reference(16, 2, 8, 16);
        cache.append_all(k16, v16);
        reference.append_all(k16, v16);
        half.append_all(k16, v16);
        half_reference.append_all(k16, v16);
        REQUIRE(test::attn::landmark_counts(cache.landmarks()) == std::vector<uint32_t>{16});
        CHECK(test::attn::max_abs_diff(test::attn::landmark_keys(cache.landmarks()), test::attn::block_means(k16, 16)) < 1e-5f);
        auto same_landmarks = [](const auto& a, const auto& b) {
            CHECK(test::attn::landmark_counts(a.landmarks()) == test::attn::landmark_counts(b.landmarks()));
            CHECK(test::attn::max_abs_diff(test::attn::landmark_keys(a.landmarks()), test::attn::landmark_keys(b.landmarks())) == 0.0f);
            CHECK(test::attn::max_abs_diff(test::attn::landmark_values(a.landmarks()), test::attn::landmark_values(b.landmarks())) == 0.0f);
        };
        same_landmarks(cache, reference);
        same_landmarks(half, half_reference);
        cache.truncate(10);  // rebuilt from the stored rows
        reference.truncate(10);
        same_landmarks(cache, reference);
        cache.append_all(test::attn::rows_of(k, 10, 16), test::attn::rows_of(v, 10, 16));
        reference.append_all(test::attn::rows_of(k, 10, 16), test::attn::rows_of(v, 10, 16));
        for (size_t t = 16; t < 24; ++t) {  // full: every append evicts and rebuilds
            CHECK(cache.append_evicting(k.row(t, 0), v.row(t, 0), policy) ==
                  reference.append_evicting(k.row(t, 0), v.row(t, 0), policy));
            CHECK(half.append_evicting(k.row(t, 0), v.row(t, 0), policy) ==
                  half_reference.append_evicting(k.row(t, 0), v.row(t, 0), policy));
        }
        same_landmarks(cache, reference);
        same_landmarks(half, half_reference);
    }
}

TEST_CASE("h2o: a recent window near SIZE_MAX is rejected, never wrapped into evicting the sink", "[kvcache][h2o][limits]") {
    // The policy must leave an unprotected slot: capacity > recent_window + globals, computed without wrap.
    constexpr size_t kMax = std::numeric_limits<size_t>::max();
    const Tensor3 k = test::attn::seeded_tensor(2, 9, 2, 8), v = test::attn::seeded_tensor(3, 9, 2, 8);
    KvCache cache(8, 2, 8, 4);
    cache.append_all(test::attn::rows_of(k, 0, 8), test::attn::rows_of(v, 0, 8));
    const float sink = cache.key(0, 0, 0);
    for (const kernels::H2oPolicy& policy : {kernels::H2oPolicy{{0}, kMax}, kernels::H2oPolicy{{0, 1}, kMax - 1},
                                             kernels::H2oPolicy{{0, 1, 2}, kMax - 1}, kernels::H2oPolicy{{0}, 7}}) {
        INFO("window " << policy.recent_window << ", " << policy.global_tokens.size() << " globals");
        CHECK_THROWS_AS(cache.append_evicting(k.row(8, 0), v.row(8, 0), policy), kernels::InvalidConfig);
        CHECK(cache.len() == 8);
        CHECK(cache.key(0, 0, 0) == sink);
    }
    CHECK(cache.append_evicting(k.row(8, 0), v.row(8, 0), kernels::H2oPolicy{{0}, 6}) != KvCache::npos);
    CHECK(cache.key(0, 0, 0) == sink);
}
