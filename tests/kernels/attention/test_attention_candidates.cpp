// Candidate sets of the sparse kernel: the worked vectors of spec §3.7, the last-position counts, and the
// edge-count table of spec §9.3 (brute force == closed form == published table).
#include <catch2/catch.hpp>

#include <vector>

#include "kernels/attention/candidates.h"
#include "kernels/attention/sparse_attention.h"

using kernels::CandidateBuilder;
using kernels::SparseAttentionConfig;

namespace {

SparseAttentionConfig config_of(size_t window, size_t block, std::vector<size_t> globals, bool causal) {
    SparseAttentionConfig c;
    c.window = window;
    c.block_size = block;
    c.global_tokens = std::move(globals);
    c.causal = causal;
    return c;
}

struct Lists {
    std::vector<uint32_t> tokens, blocks;
    size_t window_count = 0;
};

Lists build(size_t i, size_t seq, const SparseAttentionConfig& config) {
    CandidateBuilder builder;
    Lists l;
    l.window_count = builder.build(i, seq, config, l.tokens, l.blocks);
    return l;
}

size_t bitlen(size_t p) {
    size_t n = 0;
    for (; p != 0; p >>= 1) ++n;
    return n;
}

// Spec §9.3 closed form for causal, globals {0}, log-stride and landmarks on.
size_t closed_form_edges(size_t n, size_t w, size_t b) {
    size_t total = 0;
    for (size_t i = 0; i < n; ++i) {
        size_t c = std::min(i, w) + 1 + (i > w ? 1 : 0);
        for (size_t s = 1; s < i; s *= 2)
            if (s > w) ++c;
        const size_t avail = (i + 1) / b;
        if (avail >= 1) c += 1 + bitlen(avail - 1);
        total += c;
    }
    return total;
}

}  // namespace

TEST_CASE("candidates: the worked vectors of spec 3.7", "[attention][candidates]") {
    using V = std::vector<uint32_t>;
    struct Row {
        size_t i, seq, w, b;
        std::vector<size_t> globals;
        bool causal;
        V tokens, blocks;
    };
    const std::vector<Row> rows = {
        {20, 32, 4, 4, {0}, true, {16, 17, 18, 19, 20, 0, 12, 4}, {3, 4, 2, 0}},
        {7, 32, 4, 4, {0}, true, {3, 4, 5, 6, 7, 0}, {0, 1}},
        {3, 32, 4, 4, {0}, true, {0, 1, 2, 3}, {0}},
        {20, 32, 4, 4, {0}, false, {16, 17, 18, 19, 20, 21, 22, 23, 24, 0, 12, 28, 4}, {4, 6, 3, 7, 1}},
        {31, 32, 4, 4, {0, 5}, true, {27, 28, 29, 30, 31, 0, 5, 23, 15}, {6, 7, 5, 3}},
        {0, 1, 128, 64, {0}, true, {0}, {}},
    };
    for (const Row& r : rows) {
        INFO("i=" << r.i << " seq=" << r.seq << " causal=" << r.causal);
        const Lists l = build(r.i, r.seq, config_of(r.w, r.b, r.globals, r.causal));
        CHECK(l.tokens == r.tokens);
        CHECK(l.blocks == r.blocks);
    }
}

TEST_CASE("candidates: the window leads the token list", "[attention][candidates]") {
    const Lists causal = build(20, 32, config_of(4, 4, {0}, true));
    CHECK(causal.window_count == 5);
    const Lists both_sides = build(20, 32, config_of(4, 4, {0}, false));
    CHECK(both_sides.window_count == 9);
    const Lists start = build(2, 32, config_of(4, 4, {0}, false));
    CHECK(start.window_count == 7);  // [0, 6]
}

TEST_CASE("candidates: counts at the last position of a causal cache (spec 3.7)", "[attention][candidates]") {
    struct Count {
        size_t w, b, t, tokens, blocks;
    };
    const std::vector<Count> counts = {
        {64, 32, 64, 64, 2},    {64, 32, 128, 66, 3},   {64, 32, 256, 67, 4},   {64, 32, 512, 68, 5},
        {64, 32, 1024, 69, 6},  {64, 32, 2048, 70, 7},  {64, 32, 8192, 72, 9},  {128, 64, 128, 128, 2},
        {128, 64, 256, 130, 3}, {128, 64, 512, 131, 4}, {128, 64, 2048, 133, 6}, {128, 64, 8192, 135, 8},
    };
    for (const Count& c : counts) {
        INFO("W=" << c.w << " B=" << c.b << " T=" << c.t);
        const Lists l = build(c.t - 1, c.t, config_of(c.w, c.b, {0}, true));
        CHECK(l.tokens.size() == c.tokens);
        CHECK(l.blocks.size() == c.blocks);
    }
}

TEST_CASE("candidates: edge-count table of spec 9.3 (estimate == closed form == published)", "[attention][candidates]") {
    kernels::SparseAttention attention(SparseAttentionConfig{});
    struct Edge {
        size_t n, dense, sparse;
    };
    const std::vector<Edge> table = {
        {512, 131328, 59778},           {1024, 524800, 129858},         {2048, 2098176, 272130},
        {4096, 8390656, 560834},        {8192, 33558528, 1146498},      {16384, 134225920, 2334274},
        {32768, 536887296, 4742658},
    };
    for (const Edge& e : table) {
        INFO("N=" << e.n);
        CHECK(e.n * (e.n + 1) / 2 == e.dense);
        CHECK(attention.estimate_sparse_edges(e.n) == e.sparse);
        if (e.n <= 4096) CHECK(closed_form_edges(e.n, 128, 64) == e.sparse);
    }
}

TEST_CASE("candidates: out-of-range globals are skipped, and causal lists never look ahead", "[attention][candidates]") {
    const Lists l = build(3, 4, config_of(1, 2, {10, 3}, true));
    CHECK(l.tokens == std::vector<uint32_t>{2, 3, 1});  // window 2..3, global 3 duplicate, 10 out of range
    for (size_t i = 0; i < 300; ++i) {
        const Lists c = build(i, 300, config_of(16, 8, {0, 5}, true));
        for (uint32_t j : c.tokens) REQUIRE(j <= i);
        for (uint32_t b : c.blocks) REQUIRE((b + 1) * 8 <= i + 1);  // only complete blocks
    }
}
