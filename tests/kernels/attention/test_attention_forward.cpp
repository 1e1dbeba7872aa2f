// The crate's forward/GQA/flash/gated test inventory (spec §8, items 1-11, 18-25, 27-29, 31) and identities.
#include <catch2/catch.hpp>

#include <cmath>

#include <limits>

#include "attention_fixtures.h"
#include "kernels/attention/attention_core.h"
#include "kernels/attention/dense_attention.h"
#include "kernels/attention/sparse_attention.h"

using kernels::SparseAttention;
using kernels::SparseAttentionConfig;
using kernels::Tensor3;
using test::attn::max_abs_diff;

namespace {

SparseAttentionConfig window_only(size_t window, size_t block, bool causal) {
    SparseAttentionConfig c;
    c.window = window;
    c.block_size = block;
    c.global_tokens.clear();
    c.causal = causal;
    c.use_log_stride = false;
    c.use_landmarks = false;
    return c;
}

// kv heads repeated `group` times each: [seq, kv * group, dim].
Tensor3 repeat_heads(const Tensor3& kv, size_t group) {
    Tensor3 out = Tensor3::zeros(kv.seq(), kv.heads() * group, kv.dim());
    for (size_t t = 0; t < kv.seq(); ++t)
        for (size_t h = 0; h < out.heads(); ++h)
            std::copy(kv.row(t, h / group), kv.row(t, h / group) + kv.dim(), out.row_mut(t, h));
    return out;
}

}  // namespace

TEST_CASE("forward: equals dense when the window covers the sequence (causal and not)", "[attention][forward]") {
    const auto [q, k, v] = test::attn::random_qkv(32, 2, 8);
    for (bool causal : {false, true}) {
        SparseAttention attention(window_only(32, 8, causal));
        CHECK(max_abs_diff(attention.forward(q, k, v), kernels::dense_attention(q, k, v, causal)) < 1e-5f);
    }
}

TEST_CASE("forward: sparse edges are far fewer than dense edges and grow as n log n", "[attention][forward]") {
    SparseAttention attention(SparseAttentionConfig{});
    CHECK(attention.estimate_sparse_edges(4096) < (4096 * 4097 / 2) / 8);
    // Once the window is full, doubling the length from n/2 to n multiplies c * n * log2(n) edges by
    // 2 * (1 + 1 / log2(n/2)); linear terms grow less. Quadratic growth would multiply them by 4.
    for (size_t n = 1024; n <= 32768; n *= 2) {
        INFO("n " << n);
        const double ratio = static_cast<double>(attention.estimate_sparse_edges(n)) /
                             static_cast<double>(attention.estimate_sparse_edges(n / 2));
        CHECK(ratio <= 2.0 * (1.0 + 1.0 / std::log2(static_cast<double>(n / 2))));
    }
}

TEST_CASE("forward: edge cases of the crate (empty, single token, far global, block 1, window 0)", "[attention][forward]") {
    SECTION("empty sequence gives an empty output") {
        SparseAttention attention(SparseAttentionConfig{});
        const Tensor3 empty = Tensor3::zeros(0, 2, 8);
        const Tensor3 out = attention.forward(empty, empty, empty);
        CHECK(out.size() == 0);
        CHECK(out.heads() == 2);
    }
    SECTION("a single token attends to itself: output == v") {
        std::vector<float> data(16);
        for (size_t i = 0; i < data.size(); ++i) data[i] = 0.1f * static_cast<float>(i + 1);
        const Tensor3 x = Tensor3::from_vec(data, 1, 2, 8);
        SparseAttention attention(SparseAttentionConfig{});
        CHECK(max_abs_diff(attention.forward(x, x, x), x) < 1e-5f);
    }
    SECTION("an out-of-range global token is skipped") {
        SparseAttentionConfig c;
        c.global_tokens = {10};
        const Tensor3 x = test::attn::make_tensor(4, 2, 8);
        SparseAttention attention(c);
        c.global_tokens = {};
        SparseAttention no_globals(c);
        CHECK(max_abs_diff(attention.forward(x, x, x), no_globals.forward(x, x, x)) == 0.0f);
    }
    SECTION("block size 1, non-causal, landmarks only") {
        SparseAttentionConfig c = window_only(16, 1, false);
        c.use_landmarks = true;
        const Tensor3 x = test::attn::make_tensor(16, 2, 8);
        SparseAttention attention(c);
        CHECK(test::attn::all_finite(attention.forward(x, x, x)));
    }
    SECTION("window 0 without log-stride or landmarks: each token sees only itself") {
        const auto [q, k, v] = test::attn::random_qkv(8, 2, 8);
        SparseAttention attention(window_only(0, 4, true));
        CHECK(max_abs_diff(attention.forward(q, k, v), v) < 1e-5f);
    }
}

TEST_CASE("tensor3: overflowing shapes and wrong data lengths are typed errors", "[attention][tensor]") {
    const size_t huge = std::numeric_limits<size_t>::max() / 2 + 1;
    try {
        (void)Tensor3::zeros(huge, 3, 1);
        FAIL("no error");
    } catch (const kernels::InvalidConfig& e) {
        CHECK(std::string(e.what()).rfind("Tensor3::zeros: shape overflow", 0) == 0);
    }
    CHECK_THROWS_AS(Tensor3::from_vec(std::vector<float>(5), 2, 1, 2), kernels::InvalidConfig);
    CHECK_THROWS_WITH(Tensor3::from_vec(std::vector<float>(5), 2, 1, 2),
                      "data length mismatch, got 5, expected 4");
    CHECK_THROWS_AS(Tensor3::from_vec({}, huge, 4, 1), kernels::InvalidConfig);
}

TEST_CASE("forward: bad input throws the typed error", "[attention][forward][errors]") {
    SparseAttentionConfig zero_block;
    zero_block.block_size = 0;
    CHECK_THROWS_AS(SparseAttention(zero_block), kernels::InvalidConfig);

    SparseAttention attention(SparseAttentionConfig{});
    const Tensor3 a = test::attn::make_tensor(8, 2, 4);
    const Tensor3 b = test::attn::make_tensor(9, 2, 4);
    const Tensor3 no_dim = Tensor3::zeros(8, 2, 0);
    CHECK_THROWS_AS(attention.forward(a, b, a), kernels::ShapeMismatch);
    CHECK_THROWS_AS(attention.forward(no_dim, no_dim, no_dim), kernels::InvalidConfig);
    CHECK_THROWS_AS(kernels::dense_attention(a, a, b, true), kernels::ShapeMismatch);
    CHECK_THROWS_AS(attention.forward_flash(a, b, a, 4), kernels::ShapeMismatch);
    CHECK_THROWS_AS(attention.forward_gated(a, a, a, std::vector<bool>(7, true)), kernels::InvalidConfig);

    const Tensor3 q3 = test::attn::make_tensor(8, 3, 4);
    CHECK_THROWS_AS(attention.forward_gqa(q3, a, a), kernels::InvalidConfig);  // 3 % 2 != 0
    CHECK_THROWS_AS(attention.forward_gqa(q3, b, b), kernels::ShapeMismatch);
    CHECK_THROWS_AS(attention.forward_gqa(a, test::attn::make_tensor(8, 2, 3), a), kernels::InvalidConfig);
}

TEST_CASE("forward_gqa: group 1 equals forward, and q head h reads kv head h / group", "[attention][gqa]") {
    const auto [q, k, v] = test::attn::random_qkv(16, 4, 8);
    SparseAttention wide(window_only(16, 4, false));
    CHECK(max_abs_diff(wide.forward_gqa(q, k, v), wide.forward(q, k, v)) == 0.0f);

    // SmolLM2 shape 9 q heads / 3 kv heads == MHA with each kv head repeated three times, bit for bit.
    SparseAttention attention(SparseAttentionConfig{});
    const Tensor3 q9 = test::attn::seeded_tensor(1, 200, 9, 16);
    const Tensor3 k3 = test::attn::seeded_tensor(2, 200, 3, 16);
    const Tensor3 v3 = test::attn::seeded_tensor(3, 200, 3, 16);
    const Tensor3 gqa = attention.forward_gqa(q9, k3, v3);
    CHECK(max_abs_diff(gqa, attention.forward(q9, repeat_heads(k3, 3), repeat_heads(v3, 3))) == 0.0f);
    CHECK(max_abs_diff(attention.forward_auto(q9, k3, v3), gqa) == 0.0f);

    const Tensor3 q4 = test::attn::make_tensor(8, 4, 8);
    const Tensor3 k1 = test::attn::make_tensor(8, 1, 8);
    SparseAttentionConfig c;
    c.window = 8;
    c.block_size = 4;
    SparseAttention mqa(c);
    CHECK(max_abs_diff(mqa.forward_gqa(q4, k1, k1), mqa.forward(q4, repeat_heads(k1, 4), repeat_heads(k1, 4))) == 0.0f);
    CHECK(mqa.forward_auto(test::attn::make_tensor(8, 2, 8), test::attn::make_tensor(8, 2, 8),
                           test::attn::make_tensor(8, 2, 8)).heads() == 2);
}

TEST_CASE("forward_flash: matches forward within 1e-4 and does not depend on the tile", "[attention][flash]") {
    SparseAttentionConfig c;
    c.window = 16;
    c.block_size = 8;
    const Tensor3 q = test::attn::seeded_tensor(1, 64, 4, 8), k = test::attn::seeded_tensor(2, 64, 4, 8),
                 v = test::attn::seeded_tensor(3, 64, 4, 8);
    for (bool causal : {true, false}) {
        c.causal = causal;
        SparseAttention attention(c);
        const Tensor3 flash = attention.forward_flash(q, k, v, 8);
        CHECK(max_abs_diff(flash, attention.forward(q, k, v)) < 1e-4f);
        for (size_t tile : {0, 1, 5, 64, 1000}) CHECK(max_abs_diff(attention.forward_flash(q, k, v, tile), flash) == 0.0f);
    }
    SparseAttentionConfig g;
    g.window = 8;
    g.block_size = 4;
    SparseAttention attention(g);
    const Tensor3 q4 = test::attn::seeded_tensor(1, 32, 4, 8), k2 = test::attn::seeded_tensor(2, 32, 2, 8),
                 v2 = test::attn::seeded_tensor(3, 32, 2, 8);
    CHECK(max_abs_diff(attention.forward_gqa_flash(q4, k2, v2, 4), attention.forward_gqa(q4, k2, v2)) < 1e-4f);

    SparseAttentionConfig tiny;
    tiny.window = 4;
    tiny.block_size = 4;
    SparseAttention single(tiny);
    const Tensor3 one = test::attn::make_tensor(1, 2, 8);
    CHECK(max_abs_diff(single.forward_flash(one, one, one, 1), one) < 1e-6f);
}

TEST_CASE("forward_gated: all-true is forward bit for bit, and all-false keeps window and globals", "[attention][gated]") {
    const auto [q, k, v] = test::attn::random_qkv(64, 2, 8);
    SparseAttention attention(SparseAttentionConfig{});
    CHECK(max_abs_diff(attention.forward_gated(q, k, v, std::vector<bool>(64, true)), attention.forward(q, k, v)) == 0.0f);

    // All-false drops exactly the log-stride tokens: the window, the globals and the landmarks stay, in order.
    SparseAttentionConfig c;
    c.window = 8;
    SparseAttention narrow(c);
    const Tensor3 gated = narrow.forward_gated(q, k, v, std::vector<bool>(64, false));
    c.use_log_stride = false;
    SparseAttention no_log(c);
    CHECK(max_abs_diff(gated, no_log.forward(q, k, v)) == 0.0f);
    CHECK(max_abs_diff(gated, narrow.forward(q, k, v)) > 1e-3f);
    // Without log-stride there is nothing the mask may drop: gated == forward.
    CHECK(max_abs_diff(no_log.forward_gated(q, k, v, std::vector<bool>(64, false)), no_log.forward(q, k, v)) == 0.0f);
}

TEST_CASE("forward_gated: an all-false mask leaves fewer candidates than the estimate", "[attention][gated]") {
    SparseAttentionConfig c;
    c.window = 4;
    c.block_size = 8;
    c.use_landmarks = false;
    SparseAttention attention(c);
    const size_t seq = 256;
    const std::vector<bool> none(seq, false);
    kernels::CandidateBuilder builder;
    kernels::detail::ChunkCandidates chunk;
    kernels::detail::ChunkCandidates::Options options;
    options.keep_mask = &none;
    options.keep_always = &c.global_tokens;
    for (size_t i = 0; i < seq; ++i) chunk.add(builder, i, seq, c, options);
    CHECK(chunk.total_tokens() < attention.estimate_sparse_edges(seq));
    for (const auto& query : chunk.resolve()) {  // of the scattered tokens only the global 0 survives
        INFO("query " << query.position);
        const bool global_in_window = query.window.ids[0] == 0;
        REQUIRE(query.scattered.n == (global_in_window ? 0u : 1u));
        if (!global_in_window) CHECK(query.scattered.ids[0] == 0);
    }
}

TEST_CASE("forward: results do not depend on the thread count", "[attention][threads]") {
    const Tensor3 q = test::attn::seeded_tensor(1, 300, 8, 32), k = test::attn::seeded_tensor(2, 300, 8, 32),
                 v = test::attn::seeded_tensor(3, 300, 8, 32);
    SparseAttention serial(SparseAttentionConfig{});
    kernels::ThreadPool pool(3);
    SparseAttention parallel(SparseAttentionConfig{}, &pool);
    CHECK(max_abs_diff(parallel.forward(q, k, v), serial.forward(q, k, v)) == 0.0f);
    CHECK(max_abs_diff(parallel.forward_flash(q, k, v, 16), serial.forward_flash(q, k, v, 16)) == 0.0f);
    CHECK(max_abs_diff(kernels::dense_attention(q, k, v, true, &pool), kernels::dense_attention(q, k, v, true)) == 0.0f);
}

// Any size_t is a legal window, block size and tile (the CLI passes -1 through as SIZE_MAX): the counts derived
// from them must mean what the formulas say, not what a wrapped `n + b - 1` or `w + 1` gives.
TEST_CASE("forward: a window or tile of SIZE_MAX covers the sequence like a window of seq, bit for bit", "[attention][limits]") {
    constexpr size_t kMax = std::numeric_limits<size_t>::max();
    const size_t seq = 40;
    const auto [q, k, v] = test::attn::random_qkv(seq, 2, 8);
    const Tensor3 q4 = test::attn::seeded_tensor(4, seq, 4, 8);  // GQA: 4 q heads over the 2 kv heads
    const std::vector<bool> all(seq, true);
    for (bool causal : {true, false}) {
        INFO("causal " << causal);
        SparseAttentionConfig covering;  // globals {0}, log-stride and landmarks on
        covering.block_size = 8;
        covering.causal = causal;
        covering.window = seq;
        SparseAttentionConfig huge = covering;
        huge.window = kMax;
        SparseAttention expected(covering), attention(huge);
        CHECK(max_abs_diff(attention.forward(q, k, v), expected.forward(q, k, v)) == 0.0f);
        CHECK(max_abs_diff(attention.forward_gqa(q4, k, v), expected.forward_gqa(q4, k, v)) == 0.0f);
        CHECK(max_abs_diff(attention.forward_gated(q, k, v, all), expected.forward_gated(q, k, v, all)) == 0.0f);
        // tile 0 = max(window, 1) queries at a time: every query in one tile either way
        CHECK(max_abs_diff(attention.forward_flash(q, k, v, 0), expected.forward_flash(q, k, v, 0)) == 0.0f);
        CHECK(max_abs_diff(attention.forward_flash(q, k, v, kMax), expected.forward_flash(q, k, v, seq)) == 0.0f);
        CHECK(max_abs_diff(attention.forward_gqa_flash(q4, k, v, kMax), expected.forward_gqa_flash(q4, k, v, 7)) == 0.0f);
        CHECK(attention.estimate_sparse_edges(seq) == expected.estimate_sparse_edges(seq));
    }
}

TEST_CASE("forward: a block beyond the sequence (SIZE_MAX too) is one partial block that no query selects", "[attention][limits]") {
    // Spec §3.4: causal queries use complete blocks only, and a block longer than seq never completes;
    // non-causal queries skip their own block, and the one block is everyone's own. So every backend must give
    // exactly the output without landmarks.
    constexpr size_t kMax = std::numeric_limits<size_t>::max();
    const size_t seq = 40;
    const auto [q, k, v] = test::attn::random_qkv(seq, 2, 8);
    const Tensor3 q4 = test::attn::seeded_tensor(4, seq, 4, 8);
    const std::vector<bool> all(seq, true);
    for (bool causal : {true, false}) {
        SparseAttentionConfig no_landmarks;
        no_landmarks.window = 4;
        no_landmarks.causal = causal;
        no_landmarks.use_landmarks = false;
        SparseAttention expected(no_landmarks);
        for (size_t block : {seq + 1, kMax - seq + 2, kMax - 1, kMax}) {
            INFO("causal " << causal << ", block " << block);
            SparseAttentionConfig c = no_landmarks;
            c.use_landmarks = true;
            c.block_size = block;
            SparseAttention attention(c);
            CHECK(max_abs_diff(attention.forward(q, k, v), expected.forward(q, k, v)) == 0.0f);
            CHECK(max_abs_diff(attention.forward_gqa(q4, k, v), expected.forward_gqa(q4, k, v)) == 0.0f);
            CHECK(max_abs_diff(attention.forward_gated(q, k, v, all), expected.forward_gated(q, k, v, all)) == 0.0f);
            CHECK(max_abs_diff(attention.forward_flash(q, k, v, 0), expected.forward_flash(q, k, v, 0)) == 0.0f);
            CHECK(max_abs_diff(attention.forward_gqa_flash(q4, k, v, 16), expected.forward_gqa_flash(q4, k, v, 16)) == 0.0f);
            CHECK(attention.estimate_sparse_edges(seq) == expected.estimate_sparse_edges(seq));
        }
    }
    SparseAttentionConfig zero_block;  // the one invalid block size stays an error
    zero_block.block_size = 0;
    CHECK_THROWS_WITH(SparseAttention(zero_block), "block_size must be greater than zero");
}
