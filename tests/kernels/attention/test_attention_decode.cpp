// Decode against KV caches: golden cases 10/11, the crate's decode tests (spec §8 items 12, 17), decode ==
// causal forward row, batched prefill == sequential decode, dense/gated cache paths, kernel-collected
// attention mass and H2O budgets, deadlines (spec §7.9), warm_up and the Pi Zero preset, bad input.
#include <catch2/catch.hpp>

#include <chrono>
#include <cmath>
#include <limits>

#include "attention_fixtures.h"
#include "kernels/attention/dense_attention.h"
#include "kernels/attention/sparse_attention.h"

using kernels::KvCache;
using kernels::KvCacheF16;
using kernels::SparseAttention;
using kernels::SparseAttentionConfig;
using kernels::Tensor3;
using test::attn::max_abs_diff;
using test::attn::row_of;
using test::attn::seeded_tensor;

namespace {

SparseAttentionConfig small_config() {
    SparseAttentionConfig c;
    c.window = 16;
    c.block_size = 8;
    c.global_tokens = {0, 3};
    return c;
}

// Runs a golden decode case (10: KvCache with append_all, 11: KvCacheF16 with per-row appends).
template <typename Cache, typename Decode>
void check_golden_decode(const char* name, Decode&& decode) {
    const auto& c = test::attn::golden_case(name);
    const auto& in = c["inputs"];
    const Tensor3 k = test::attn::golden_input(in["k_prefill"]), v = test::attn::golden_input(in["v_prefill"]);
    const Tensor3 new_k = test::attn::golden_input(in["new_k"]), new_v = test::attn::golden_input(in["new_v"]);
    const Tensor3 q_stream = test::attn::golden_input(in["q_stream"]);
    SparseAttention attention(test::attn::config_from_json(c["config"]));
    const auto& params = c["params"];
    Cache cache(params["capacity"].as_uint(), params["kv_heads"].as_uint(), params["dim"].as_uint(),
                params["cache_block_size"].as_uint());
    for (size_t t = 0; t < k.seq(); ++t) cache.try_append(row_of(k, t), row_of(v, t));
    test::attn::check_summary(decode(attention, row_of(q_stream, 0), cache).data(), c["initial_decode_output"]);

    const auto& steps = c["steps_summary"];
    double total = 0.0, total_abs = 0.0;
    Tensor3 last;
    for (size_t s = 0; s < steps["per_step_output_sums"].size(); ++s) {
        cache.try_append(row_of(new_k, s), row_of(new_v, s));
        last = decode(attention, row_of(q_stream, s + 1), cache);
        double sum = 0.0, sum_abs = 0.0;
        for (float x : last.data()) {
            sum += x;
            sum_abs += std::fabs(x);
        }
        INFO("step " << s);
        test::attn::check_sum(sum, steps["per_step_output_sums"][s].as_double(), sum_abs, "step sum");
        total += sum;
        total_abs += sum_abs;
    }
    CHECK(cache.len() == steps["final_cache_len"].as_uint());
    test::attn::check_sum(total, steps["sum_of_all_40_outputs"].as_double(),
                          steps["sum_abs_of_all_40_outputs"].as_double(), "sum of all");
    test::attn::check_sum(total_abs, steps["sum_abs_of_all_40_outputs"].as_double(),
                          steps["sum_abs_of_all_40_outputs"].as_double(), "sum_abs of all");
    test::attn::check_summary(last.data(), c["last_output"]);
}

}  // namespace

TEST_CASE("golden: KvCache decode_step and KvCacheF16 decode_step_f16 (cases 10, 11)", "[decode][golden]") {
    SKIP_WITHOUT_SHARED();
    check_golden_decode<KvCache>("10_kvcache_decode_step", [](SparseAttention& a, const Tensor3& q, KvCache& cache) {
        return a.decode_step(q, cache);
    });
    check_golden_decode<KvCacheF16>("11_kvcache_f16_decode_step_f16",
                                    [](SparseAttention& a, const Tensor3& q, KvCacheF16& cache) {
                                        return a.decode_step_f16(q, cache);
                                    });
}

TEST_CASE("decode: one token equals forward of that token", "[decode]") {
    SparseAttentionConfig c;
    c.use_log_stride = false;
    c.use_landmarks = false;
    SparseAttention attention(c);
    const Tensor3 q = test::attn::make_tensor(1, 2, 8), k = seeded_tensor(2, 1, 2, 8), v = seeded_tensor(3, 1, 2, 8);
    KvCache cache(8, 2, 8, 64);
    cache.try_append(k, v);
    const Tensor3 out = attention.decode_step(q, cache);
    CHECK(out.shape() == (std::array<size_t, 3>{1, 2, 8}));
    CHECK(max_abs_diff(out, attention.forward(q, k, v)) < 1e-5f);
}

TEST_CASE("decode: the step after appending row i equals row i of a causal forward", "[decode]") {
    SparseAttention attention(small_config());
    const size_t seq = 150;
    const Tensor3 q = seeded_tensor(1, seq, 4, 16), k = seeded_tensor(2, seq, 4, 16), v = seeded_tensor(3, seq, 4, 16);
    const Tensor3 full = attention.forward(q, k, v);
    KvCache cache(seq, 4, 16, 8);
    KvCacheF16 half(seq, 4, 16, 8);
    float worst = 0.0f, worst_half = 0.0f;
    for (size_t i = 0; i < seq; ++i) {
        cache.try_append(row_of(k, i), row_of(v, i));
        half.try_append(row_of(k, i), row_of(v, i));
        worst = std::max(worst, max_abs_diff(attention.decode_step(row_of(q, i), cache), row_of(full, i)));
        worst_half = std::max(worst_half, max_abs_diff(attention.decode_step_f16(row_of(q, i), half), row_of(full, i)));
    }
    CHECK(worst < 1e-5f);
    CHECK(worst_half < 2e-3f);  // fp16 rows
}

TEST_CASE("decode_batch: shape and equality with sequential decode steps (GQA 4/2)", "[decode]") {
    SparseAttentionConfig c;
    c.window = 16;
    c.block_size = 4;
    c.use_log_stride = false;
    c.use_landmarks = false;
    SparseAttention attention(c);
    const Tensor3 q = seeded_tensor(1, 4, 4, 8), k = seeded_tensor(2, 4, 2, 8), v = seeded_tensor(3, 4, 2, 8);
    KvCache batched(32, 2, 8, 4), sequential(32, 2, 8, 4);
    const Tensor3 out = attention.decode_batch(q, k, v, batched);
    CHECK(out.shape() == (std::array<size_t, 3>{4, 4, 8}));
    for (size_t t = 0; t < 4; ++t) {
        sequential.try_append(row_of(k, t), row_of(v, t));
        CHECK(max_abs_diff(row_of(out, t), attention.decode_step(row_of(q, t), sequential)) < 1e-5f);
    }
}

TEST_CASE("attend_cached: batched prefill against a filled fp16 cache equals sequential decode (9/3 heads)", "[decode][prefill]") {
    const size_t total = 300, prefix = 170, heads = 9, kv_heads = 3, dim = 64;
    const Tensor3 q = seeded_tensor(1, total, heads, dim), k = seeded_tensor(2, total, kv_heads, dim),
                 v = seeded_tensor(3, total, kv_heads, dim);
    kernels::ThreadPool pool(2);
    SparseAttention batched_attention(SparseAttentionConfig::pi_zero_2w(), &pool);
    SparseAttention sequential_attention(SparseAttentionConfig::pi_zero_2w());
    KvCacheF16 batched(total, kv_heads, dim, 32), sequential(total, kv_heads, dim, 32);
    Tensor3 batch_out = Tensor3::zeros(total, heads, dim);
    // The prompt in two batches: [0, prefix) then [prefix, total).
    for (auto [begin, end] : {std::pair<size_t, size_t>{0, prefix}, {prefix, total}}) {
        for (size_t t = begin; t < end; ++t) batched.append_row(k.row(t, 0), v.row(t, 0));
        batched_attention.attend_cached(q.row(begin, 0), end - begin, heads, batched, batch_out.row_mut(begin, 0));
    }
    Tensor3 one = Tensor3::zeros(1, heads, dim);
    float worst = 0.0f;
    for (size_t t = 0; t < total; ++t) {
        sequential.append_row(k.row(t, 0), v.row(t, 0));
        sequential_attention.attend_cached(q.row(t, 0), 1, heads, sequential, one.row_mut(0, 0));
        worst = std::max(worst, max_abs_diff(one, row_of(batch_out, t)));
    }
    CHECK(worst < 1e-5f);
    // Mass collected row by row or in batches is the same up to summation order.
    for (size_t s = 0; s < total; ++s)
        CHECK(batched.attention_mass()[s] == Approx(sequential.attention_mass()[s]).margin(1e-4));
}

TEST_CASE("attend_cached: the q heads of a kv head, folded together, get the bits of an MHA cache of copies",
          "[decode][prefill]") {
    // Groups of 1, 3, 7 (tasks of 4 + 3 heads) and 8 (4 + 4) heads per kv head, one and two threads, a batch and a
    // decode step: each head attends exactly as it does alone against a cache holding its kv head's rows.
    const size_t total = 150, dim = 64;
    kernels::ThreadPool pool(2);
    for (auto [heads, kv_heads] : {std::pair<size_t, size_t>{4, 4}, {9, 3}, {14, 2}, {8, 1}}) {
        INFO(heads << " heads, " << kv_heads << " kv heads");
        const size_t group = heads / kv_heads;
        const Tensor3 q = seeded_tensor(4, total, heads, dim), k = seeded_tensor(5, total, kv_heads, dim),
                     v = seeded_tensor(6, total, kv_heads, dim);
        SparseAttentionConfig config = SparseAttentionConfig::pi_zero_2w();
        config.window = 40;
        config.block_size = 16;
        for (kernels::ThreadPool* threads : {static_cast<kernels::ThreadPool*>(nullptr), &pool}) {
            SparseAttention attention(config, threads);
            KvCacheF16 grouped(total, kv_heads, dim, 16), copies(total, heads, dim, 16);
            std::vector<float> k_copies(heads * dim), v_copies(heads * dim);
            for (size_t t = 0; t < total; ++t) {
                grouped.append_row(k.row(t, 0), v.row(t, 0));
                for (size_t h = 0; h < heads; ++h)
                    for (size_t d = 0; d < dim; ++d) {
                        k_copies[h * dim + d] = k.get(t, h / group, d);
                        v_copies[h * dim + d] = v.get(t, h / group, d);
                    }
                copies.append_row(k_copies.data(), v_copies.data());
            }
            Tensor3 from_groups = Tensor3::zeros(total, heads, dim), from_copies = Tensor3::zeros(total, heads, dim);
            // the last 100 rows as one batch, then the last row again as a decode step
            attention.attend_cached(q.row(50, 0), 100, heads, grouped, from_groups.row_mut(50, 0));
            attention.attend_cached(q.row(50, 0), 100, heads, copies, from_copies.row_mut(50, 0));
            CHECK(from_groups.data() == from_copies.data());
            attention.attend_cached(q.row(total - 1, 0), 1, heads, grouped, from_groups.row_mut(0, 0));
            attention.attend_cached(q.row(total - 1, 0), 1, heads, copies, from_copies.row_mut(0, 0));
            CHECK(from_groups.data() == from_copies.data());
        }
    }
}

TEST_CASE("attend_cached: dense path equals dense attention, and gated all-true equals sparse", "[decode][prefill]") {
    const size_t seq = 120;
    const Tensor3 q = seeded_tensor(1, seq, 2, 16), k = seeded_tensor(2, seq, 2, 16), v = seeded_tensor(3, seq, 2, 16);
    SparseAttention attention(small_config());
    KvCache cache(seq, 2, 16, 8);
    cache.append_all(k, v);
    Tensor3 out = Tensor3::zeros(seq, 2, 16);
    kernels::CacheAttendOptions dense;
    dense.path = kernels::AttentionPath::Dense;
    attention.attend_cached(q.data().data(), seq, 2, cache, out.data().data(), dense);
    CHECK(max_abs_diff(out, kernels::dense_attention(q, k, v, true)) < 1e-5f);

    Tensor3 sparse = Tensor3::zeros(seq, 2, 16), gated = Tensor3::zeros(seq, 2, 16);
    attention.attend_cached(q.data().data(), seq, 2, cache, sparse.data().data());
    const std::vector<bool> all(seq, true);
    kernels::CacheAttendOptions gate;
    gate.path = kernels::AttentionPath::Gated;
    gate.keep_mask = &all;
    attention.attend_cached(q.data().data(), seq, 2, cache, gated.data().data(), gate);
    CHECK(max_abs_diff(gated, sparse) == 0.0f);
    CHECK(max_abs_diff(sparse, attention.forward(q, k, v)) < 1e-5f);
    const std::vector<bool> short_mask(seq - 1, true);
    gate.keep_mask = &short_mask;
    CHECK_THROWS_AS(attention.attend_cached(q.data().data(), 1, 2, cache, gated.data().data(), gate),
                    kernels::InvalidConfig);
}

TEST_CASE("attention mass: equals the softmax probabilities, summed over q heads", "[decode][h2o]") {
    // A window covering everything and no landmarks: the sparse step is a full softmax over all slots.
    SparseAttentionConfig c;
    c.window = 64;
    c.use_log_stride = false;
    c.use_landmarks = false;
    SparseAttention attention(c);
    const size_t n = 20, heads = 4, kv_heads = 2, dim = 8;
    const Tensor3 q = seeded_tensor(1, 1, heads, dim), k = seeded_tensor(2, n, kv_heads, dim),
                 v = seeded_tensor(3, n, kv_heads, dim);
    KvCache cache(32, kv_heads, dim, 64);
    cache.append_all(k, v);
    attention.decode_step(q, cache);
    std::vector<double> expected(n, 0.0);
    for (size_t h = 0; h < heads; ++h) {
        std::vector<double> s(n);
        double m = -1e30, den = 0.0;
        for (size_t j = 0; j < n; ++j) {
            for (size_t d = 0; d < dim; ++d) s[j] += double(q.get(0, h, d)) * k.get(j, h / 2, d);
            s[j] /= std::sqrt(double(dim));
            m = std::max(m, s[j]);
        }
        for (size_t j = 0; j < n; ++j) den += std::exp(s[j] - m);
        for (size_t j = 0; j < n; ++j) expected[j] += std::exp(s[j] - m) / den;
    }
    double total = 0.0;
    for (size_t j = 0; j < n; ++j) {
        CHECK(cache.attention_mass()[j] == Approx(expected[j]).margin(1e-5));
        total += cache.attention_mass()[j];
    }
    CHECK(total == Approx(double(heads)).margin(1e-4));
}

TEST_CASE("h2o: a budget is never exceeded, sinks and the recent window survive, memory stays flat", "[decode][h2o]") {
    const size_t budget = 48, heads = 4, kv_heads = 2, dim = 16, steps = 10 * budget;
    const kernels::H2oPolicy policy{{0}, 16};
    SparseAttention attention(small_config());
    KvCacheF16 cache(budget, kv_heads, dim, 8);
    const Tensor3 q = seeded_tensor(1, steps, heads, dim), k = seeded_tensor(2, steps, kv_heads, dim),
                 v = seeded_tensor(3, steps, kv_heads, dim);
    std::vector<size_t> positions;  // absolute position held by each slot
    const uint16_t* storage = cache.key_rows();
    Tensor3 out = Tensor3::zeros(1, heads, dim);
    for (size_t t = 0; t < steps; ++t) {
        size_t expected_victim = kernels::KvCacheF16::npos;
        if (cache.is_full()) {  // the lowest-mass slot outside the sink and the recent window
            const auto& mass = cache.attention_mass();
            for (size_t s = 1; s < cache.len() - policy.recent_window; ++s)
                if (expected_victim == kernels::KvCacheF16::npos || mass[s] < mass[expected_victim]) expected_victim = s;
        }
        const size_t victim = cache.append_evicting(k.row(t, 0), v.row(t, 0), policy);
        REQUIRE(victim == expected_victim);
        if (victim != kernels::KvCacheF16::npos) positions.erase(positions.begin() + static_cast<ptrdiff_t>(victim));
        positions.push_back(t);
        attention.attend_cached(q.row(t, 0), 1, heads, cache, out.row_mut(0, 0));
        REQUIRE(cache.len() <= budget);
        REQUIRE(positions.front() == 0);  // the sink is never evicted
        for (size_t r = 0; r < std::min(policy.recent_window, positions.size()); ++r)
            REQUIRE(positions[positions.size() - 1 - r] == t - r);  // nor the recent window
    }
    CHECK(cache.key_rows() == storage);  // no reallocation: memory flat over 10x the budget
    CHECK(test::attn::all_finite(out));
    CHECK_THROWS_AS(cache.append_evicting(k.row(0, 0), v.row(0, 0), kernels::H2oPolicy{{0}, budget}),
                    kernels::InvalidConfig);
}

TEST_CASE("deadline: expired fails at candidate_selection, far is bit-identical", "[decode][deadline]") {
    SparseAttention attention(small_config());
    const Tensor3 k = seeded_tensor(2, 100, 2, 8), v = seeded_tensor(3, 100, 2, 8), q = seeded_tensor(1, 3, 2, 8);
    KvCache cache(128, 2, 8, 8);
    cache.append_all(k, v);
    const auto now = kernels::DeadlineTimer::Clock::now();
    try {
        attention.decode_step_with_deadline(row_of(q, 0), cache, now);
        FAIL("no deadline error");
    } catch (const kernels::DeadlineExceeded& e) {
        CHECK(std::string(e.checkpoint()) == "candidate_selection");
        CHECK(e.kind() == kernels::AttentionErrorKind::DeadlineExceeded);
    }
    const auto far = now + std::chrono::hours(1);
    CHECK(max_abs_diff(attention.decode_step_with_deadline(row_of(q, 0), cache, far), attention.decode_step(row_of(q, 0), cache)) == 0.0f);

    KvCacheF16 half(128, 2, 8, 8);
    half.append_all(k, v);
    CHECK_THROWS_AS(attention.decode_step_f16_with_deadline(row_of(q, 0), half, now), kernels::DeadlineExceeded);
    CHECK(max_abs_diff(attention.decode_step_f16_with_deadline(row_of(q, 0), half, far), attention.decode_step_f16(row_of(q, 0), half)) == 0.0f);

    const Tensor3 nk = seeded_tensor(4, 3, 2, 8), nv = seeded_tensor(5, 3, 2, 8);
    CHECK_THROWS_AS(attention.decode_batch_with_deadline(q, nk, nv, cache, now), kernels::DeadlineExceeded);
    CHECK(cache.len() == 100);  // nothing appended
    KvCache twin = cache;
    CHECK(max_abs_diff(attention.decode_batch_with_deadline(q, nk, nv, cache, far), attention.decode_batch(q, nk, nv, twin)) == 0.0f);
}

TEST_CASE("warm_up changes nothing observable, and the Pi Zero 2W preset", "[decode][warmup]") {
    const Tensor3 q = seeded_tensor(1, 90, 9, 64), k = seeded_tensor(2, 90, 3, 64), v = seeded_tensor(3, 90, 3, 64);
    SparseAttention attention(SparseAttentionConfig::pi_zero_2w());
    const Tensor3 before = attention.forward_gqa(q, k, v);
    attention.warm_up(9, 3, 64);
    CHECK(max_abs_diff(attention.forward_gqa(q, k, v), before) == 0.0f);

    const SparseAttentionConfig pi = SparseAttentionConfig::pi_zero_2w();
    CHECK(pi.window == 64);
    CHECK(pi.tile == 16);
    CHECK(pi.kv_dtype == kernels::KvDtype::F16);
    CHECK(pi.backend == kernels::AttentionBackend::FlashSparse);
    CHECK(pi.block_size == 32);
    CHECK(pi.sort_candidates);
    CHECK(pi.global_tokens == std::vector<size_t>{0});
    CHECK(pi.threads == 1);
    const SparseAttentionConfig d;
    CHECK((d.window == 128 && d.block_size == 64 && d.causal && d.use_log_stride && d.use_landmarks && !d.sort_candidates));
}

TEST_CASE("decode: bad input throws the typed error", "[decode][errors]") {
    SparseAttention attention(small_config());
    KvCache cache(8, 2, 8, 8);
    cache.try_append(seeded_tensor(2, 1, 2, 8), seeded_tensor(3, 1, 2, 8));
    CHECK_THROWS_AS(attention.decode_step(seeded_tensor(1, 2, 2, 8), cache), kernels::InvalidConfig);  // seq != 1
    CHECK_THROWS_AS(attention.decode_step(seeded_tensor(1, 1, 3, 8), cache), kernels::InvalidConfig);  // 3 % 2
    CHECK_THROWS_AS(attention.decode_step(seeded_tensor(1, 1, 2, 4), cache), kernels::ShapeMismatch);
    KvCache other_block(8, 2, 8, 4);
    other_block.try_append(seeded_tensor(2, 1, 2, 8), seeded_tensor(3, 1, 2, 8));
    CHECK_THROWS_AS(attention.decode_step(seeded_tensor(1, 1, 2, 8), other_block), kernels::InvalidConfig);
    const Tensor3 nine_k = seeded_tensor(2, 9, 2, 8);
    CHECK_THROWS_AS(attention.decode_batch(seeded_tensor(1, 9, 2, 8), nine_k, nine_k, cache), kernels::InvalidConfig);
    CHECK(cache.len() == 1);  // capacity overflow wrote nothing
    CHECK_THROWS_AS(attention.decode_batch(seeded_tensor(1, 2, 2, 8), nine_k, nine_k, cache), kernels::ShapeMismatch);
    float out[16];
    CHECK_THROWS_AS(attention.attend_cached(seeded_tensor(1, 2, 2, 8).data().data(), 2, 2, cache, out),
                    kernels::InvalidConfig);  // more rows than the cache holds
    KvCache empty(8, 2, 8, 8);
    CHECK(max_abs_diff(attention.decode_step(seeded_tensor(1, 1, 2, 8), empty), Tensor3::zeros(1, 2, 8)) == 0.0f);
}

TEST_CASE("decode: a window and block of SIZE_MAX attend every cached slot exactly like the dense path", "[decode][limits]") {
    // window >= len covers slots 0..p in ascending order (globals and log-stride add only duplicates), and a
    // block beyond the cache never completes (spec §3.4): the candidates are the dense path's, so outputs and
    // attention mass are bit-identical to it.
    constexpr size_t kMax = std::numeric_limits<size_t>::max();
    const size_t n = 40, heads = 4, kv_heads = 2, dim = 8;
    SparseAttentionConfig c = small_config();
    c.window = kMax;
    c.block_size = kMax;
    c.sort_candidates = true;
    SparseAttention attention(c);
    const Tensor3 q = seeded_tensor(1, n, heads, dim), k = seeded_tensor(2, n, kv_heads, dim),
                 v = seeded_tensor(3, n, kv_heads, dim);
    kernels::CacheAttendOptions dense;
    dense.path = kernels::AttentionPath::Dense;
    KvCache cache(n, kv_heads, dim, kMax), dense_cache(n, kv_heads, dim, kMax);
    KvCacheF16 half(n, kv_heads, dim, kMax), dense_half(n, kv_heads, dim, kMax);
    Tensor3 expected = Tensor3::zeros(1, heads, dim), expected_half = Tensor3::zeros(1, heads, dim);
    for (size_t t = 0; t < n; ++t) {
        INFO("step " << t);
        for (auto* cache_f32 : {&cache, &dense_cache}) cache_f32->try_append(row_of(k, t), row_of(v, t));
        for (auto* cache_f16 : {&half, &dense_half}) cache_f16->try_append(row_of(k, t), row_of(v, t));
        attention.attend_cached(q.row(t, 0), 1, heads, dense_cache, expected.row_mut(0, 0), dense);
        attention.attend_cached(q.row(t, 0), 1, heads, dense_half, expected_half.row_mut(0, 0), dense);
        REQUIRE(max_abs_diff(attention.decode_step(row_of(q, t), cache), expected) == 0.0f);
        REQUIRE(max_abs_diff(attention.decode_step_f16(row_of(q, t), half), expected_half) == 0.0f);
    }
    const auto same_mass = [](const auto& a, const auto& b) {
        return std::equal(a.attention_mass().begin(), a.attention_mass().end(), b.attention_mass().begin(),
                          b.attention_mass().end());
    };
    CHECK(same_mass(cache, dense_cache));
    CHECK(same_mass(half, dense_half));

    // The batched paths: decode_batch and a gated keep-nothing mask (the window already holds every slot).
    KvCache batched(n, kv_heads, dim, kMax), dense_batch(n, kv_heads, dim, kMax);
    const Tensor3 out = attention.decode_batch(q, k, v, batched);
    dense_batch.append_all(k, v);
    Tensor3 dense_out = Tensor3::zeros(n, heads, dim);
    attention.attend_cached(q.data().data(), n, heads, dense_batch, dense_out.data().data(), dense);
    CHECK(max_abs_diff(out, dense_out) == 0.0f);
    const std::vector<bool> none(n, false);
    kernels::CacheAttendOptions gated;
    gated.path = kernels::AttentionPath::Gated;
    gated.keep_mask = &none;
    Tensor3 gated_out = Tensor3::zeros(n, heads, dim);
    attention.attend_cached(q.data().data(), n, heads, batched, gated_out.data().data(), gated);
    CHECK(max_abs_diff(gated_out, dense_out) == 0.0f);

    // ... and they agree with the prefill kernel over the same rows (summation order differs: 1e-5).
    CHECK(max_abs_diff(out, attention.forward_gqa(q, k, v)) < 1e-5f);
}
