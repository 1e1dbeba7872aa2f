// PrefixCache: a prompt whose head is restored gives the logits of the whole prompt evaluated from an empty
// cache, bit for bit (sparse, dense, and with H2O eviction under way); a head that extends the saved one is
// restored that far; another head is evaluated and saved.
#include <catch2/catch.hpp>

#include <vector>

#include "src/prefix_cache.h"
#include "src/transformer.h"
#include "support/synthetic_fixture.h"

namespace {

using kernels::AttentionPath;

std::vector<int32_t> tokens(size_t n, size_t seed) {
    std::vector<int32_t> t(n);
    for (size_t i = 0; i < n; ++i) t[i] = static_cast<int32_t>((i * 37 + seed * 101 + 3) % 256);
    return t;
}

std::vector<int32_t> joined(std::vector<int32_t> a, const std::vector<int32_t>& b) {
    a.insert(a.end(), b.begin(), b.end());
    return a;
}

std::vector<float> logits_after(runtime::Transformer& t, const std::vector<int32_t>& rest) {
    std::vector<float> out(256);
    t.forward(rest.data(), rest.size(), out.data());
    return out;
}

}  // namespace

TEST_CASE("prefix cache: a restored head continues as the whole prompt from an empty cache, bit for bit",
          "[prefix-cache]") {
    const test::BoundModel m = test::bind(make_model::SyntheticModel(test::small_spec()));
    for (const auto& [path, budget] : {std::pair{AttentionPath::Sparse, int64_t{0}}, std::pair{AttentionPath::Dense, int64_t{0}},
                                       std::pair{AttentionPath::Sparse, int64_t{48}}}) {
        INFO("attention " << runtime::attention_name(path) << ", KV budget " << budget);
        runtime::RunConfig c;
        c.n_ctx = 200;
        c.kv_budget = budget;
        c.attention = path;
        c.sparse.window = 8;
        c.sparse.block_size = 8;
        runtime::Transformer cached(m.model, c), fresh(m.model, c);
        runtime::PrefixCache heads(cached);
        const std::vector<int32_t> head = tokens(20, 1);
        for (size_t prompt = 0; prompt < 3; ++prompt) {
            const std::vector<int32_t> rest = tokens(30 + 7 * prompt, prompt + 2);
            CHECK(heads.hold(head) == (prompt == 0 ? 0 : head.size()));
            CHECK(cached.n_past() == static_cast<int64_t>(head.size()));
            const std::vector<float> got = logits_after(cached, rest);
            fresh.reset();
            CHECK(got == logits_after(fresh, joined(head, rest)));
        }
        // A longer head that starts with the saved one: restored that far, the rest evaluated, then saved.
        const std::vector<int32_t> longer = joined(head, tokens(5, 8));
        CHECK(heads.hold(longer) == head.size());
        const std::vector<int32_t> rest = tokens(9, 3);
        std::vector<float> got = logits_after(cached, rest);
        fresh.reset();
        CHECK(got == logits_after(fresh, joined(longer, rest)));
        CHECK(heads.hold(longer) == longer.size());
        CHECK(heads.hold(head) == 0);  // shorter than the saved one: evaluated again
        const std::vector<int32_t> other = tokens(12, 9);
        CHECK(heads.hold(other) == 0);  // another head: evaluated, then saved in place of the first
        CHECK(heads.hold(other) == other.size());
        CHECK(heads.hold({}) == 0);
        CHECK(cached.n_past() == 0);
    }
}

TEST_CASE("prefix cache: common_prefix counts the tokens two prompts start with", "[prefix-cache]") {
    CHECK(runtime::common_prefix({1, 2, 3}, {1, 2, 4, 5}) == 2);
    CHECK(runtime::common_prefix({1, 2}, {1, 2, 3}) == 2);
    CHECK(runtime::common_prefix({}, {1}) == 0);
    CHECK(runtime::common_prefix({7}, {8}) == 0);
}
