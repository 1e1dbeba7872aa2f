// Saving and restoring a transformer's caches (what `bench model` does at a depth): a restored state continues
// bit for bit as the original did — for every attention path, with H2O eviction, into a transformer with
// another thread count — and a state of another cache shape is refused.
#include <catch2/catch.hpp>

#include <vector>

#include "src/runtime_error.h"
#include "src/transformer.h"
#include "support/synthetic_fixture.h"

namespace {

using kernels::AttentionPath;
using runtime::Transformer;
using runtime::RunConfig;

RunConfig config(AttentionPath mode, int64_t kv_budget = 0) {
    RunConfig o;
    o.n_ctx = 128;
    o.kv_budget = kv_budget;
    o.attention = mode;
    o.sparse.window = 8;
    o.sparse.block_size = 8;
    return o;
}

std::vector<int32_t> tokens(size_t n, size_t seed) {
    std::vector<int32_t> t(n);
    for (size_t i = 0; i < n; ++i) t[i] = static_cast<int32_t>((i * 53 + seed * 31 + 7) % 256);
    return t;
}

// Logits of a prompt of 5 and then 6 single decodes, after whatever t holds.
std::vector<float> continue_with(Transformer& t, const std::vector<int32_t>& next) {
    const size_t n_vocab = 256;
    std::vector<float> out(n_vocab * 7);
    t.forward(next.data(), 5, out.data());
    for (size_t i = 5; i < next.size(); ++i) t.forward(&next[i], 1, out.data() + (i - 4) * n_vocab);
    return out;
}

}  // namespace

TEST_CASE("transformer state: restoring continues bit for bit, in any attention mode, with H2O, across thread counts",
          "[transformer]") {
    const test::BoundModel m = test::bind(make_model::SyntheticModel(test::small_spec()));
    const std::vector<int32_t> depth = tokens(60, 1), next = tokens(11, 2);
    for (const RunConfig& o : {config(AttentionPath::Dense), config(AttentionPath::Sparse),
                                        config(AttentionPath::Gated), config(AttentionPath::Sparse, 24)}) {
        Transformer t(m.model, o);
        std::vector<float> logits(256);
        t.forward(depth.data(), depth.size(), logits.data());
        const Transformer::State saved = t.save_state();
        CHECK(saved.n_past == 60);
        const std::vector<float> first = continue_with(t, next);
        REQUIRE(t.n_past() == 71);

        t.restore_state(saved);
        CHECK(t.n_past() == 60);
        CHECK(continue_with(t, next) == first);
        t.restore_state(saved);
        CHECK(continue_with(t, next) == first);  // the state is not used up

        RunConfig two_threads = o;
        two_threads.n_threads = 2;
        Transformer other(m.model, two_threads);
        other.restore_state(saved);
        CHECK(other.kv_len() == (o.kv_budget > 0 ? 24u : 60u));
        CHECK(continue_with(other, next) == first);
    }
}

TEST_CASE("transformer state: a state of another cache shape is refused", "[transformer]") {
    const test::BoundModel m = test::bind(make_model::SyntheticModel(test::small_spec()));
    Transformer t(m.model, config(AttentionPath::Sparse));
    const Transformer::State saved = t.save_state();
    RunConfig bigger = config(AttentionPath::Sparse);
    bigger.n_ctx = 256;
    RunConfig f32 = config(AttentionPath::Sparse);
    f32.sparse.kv_dtype = kernels::KvDtype::F32;
    for (const RunConfig& o : {bigger, f32, config(AttentionPath::Sparse, 24), config(AttentionPath::Gated)}) {
        Transformer other(m.model, o);
        CHECK_THROWS_AS(other.restore_state(saved), runtime::Error);
    }
    // as many slots, but one store evicts (a KV budget of 24) and the other does not (a context of 24)
    RunConfig context_24 = config(AttentionPath::Sparse);
    context_24.n_ctx = 24;
    Transformer budget_24(m.model, config(AttentionPath::Sparse, 24));
    CHECK_THROWS_WITH(Transformer(m.model, context_24).restore_state(budget_24.save_state()),
                      "KV cache: the saved state is of a cache of another shape");
}
