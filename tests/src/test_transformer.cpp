// The forward pass: the stories260K end-to-end golden, and invariants that must hold exactly — sparse ==
// dense while the context fits the window, threads and batching change no bit, warm-up and far deadlines
// leave no trace, expired deadlines roll back cleanly, H2O keeps the cache bounded.
#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <set>
#include <vector>

#include "kernels/attention/attention_error.h"
#include "src/run_defaults.h"
#include "src/runtime_error.h"
#include "src/sampler.h"
#include "src/transformer.h"
#include "support/file_bytes.h"
#include "support/shared_data.h"
#include "support/synthetic_fixture.h"

namespace {

using kernels::AttentionPath;
using runtime::Transformer;
using runtime::RunConfig;

RunConfig config(AttentionPath mode, size_t window, size_t block = 16) {
    RunConfig o;
    o.n_ctx = 512;
    o.attention = mode;
    o.sparse.window = window;
    o.sparse.block_size = block;
    return o;
}

// A fixed token sequence of the small model's vocabulary.
std::vector<int32_t> tokens(size_t n) {
    std::vector<int32_t> t(n);
    for (size_t i = 0; i < n; ++i) t[i] = static_cast<int32_t>((i * 37 + 11) % 256);
    return t;
}

// Logits of every position of `sequence`, run in one call.
std::vector<float> all_logits(const runtime::Model& model, const RunConfig& o, const std::vector<int32_t>& sequence) {
    Transformer t(model, o);
    std::vector<float> logits(sequence.size() * static_cast<size_t>(model.config().n_vocab));
    t.forward(sequence.data(), sequence.size(), logits.data(), true);
    return logits;
}

std::vector<int32_t> greedy(Transformer& t, int32_t first, size_t n) {
    const auto n_vocab = t.model().config().n_vocab;
    std::vector<float> logits(static_cast<size_t>(n_vocab));
    std::vector<int32_t> out;
    int32_t token = first;
    for (size_t i = 0; i < n; ++i) {
        t.forward(&token, 1, logits.data());
        token = runtime::argmax(logits.data(), n_vocab);
        out.push_back(token);
    }
    return out;
}

kernels::DeadlineTimer deadline_in(std::chrono::milliseconds ms) {
    return kernels::DeadlineTimer(kernels::DeadlineTimer::Clock::now() + ms);
}

}  // namespace

TEST_CASE("transformer: stories260K greedy from BOS reproduces the 200-token golden", "[transformer][golden]") {
    SKIP_WITHOUT_SHARED();
    const runtime::Model model = runtime::Model::open(test::shared_path("models/stories260K.gguf"));
    const std::vector<int32_t> expected = test::read_ids(test::shared_path("models/stories260K.greedy200.ids"));
    REQUIRE(expected.size() == 200);
    auto sparse_f32 = config(AttentionPath::Sparse, 256, 64);
    sparse_f32.sparse.kv_dtype = kernels::KvDtype::F32;
    for (const RunConfig& o : {config(AttentionPath::Dense, 128, 64), config(AttentionPath::Sparse, 256, 64),
                               sparse_f32}) {
        Transformer t(model, o);
        CHECK(greedy(t, 1, 200) == expected);
        CHECK(t.n_past() == 200);
    }
}

TEST_CASE("transformer: sparse and gated equal dense while the context fits the window, then depart", "[transformer]") {
    const test::BoundModel m = test::bind(make_model::SyntheticModel(test::small_spec()));
    const auto sequence = tokens(120);
    const size_t n_vocab = 256;
    const auto dense = all_logits(m.model, config(AttentionPath::Dense, 16), sequence);
    CHECK(all_logits(m.model, config(AttentionPath::Sparse, 128), sequence) == dense);
    CHECK(all_logits(m.model, config(AttentionPath::Gated, 128), sequence) == dense);

    const auto sparse = all_logits(m.model, config(AttentionPath::Sparse, 16), sequence);
    // positions 0..16 see their whole past inside the window: identical bits
    CHECK(std::equal(dense.begin(), dense.begin() + 17 * n_vocab, sparse.begin()));
    CHECK_FALSE(std::equal(dense.begin() + 17 * n_vocab, dense.end(), sparse.begin() + 17 * n_vocab));
}

TEST_CASE("transformer: gated keeping every slot is sparse, and keeping none drops the log-stride tokens", "[transformer]") {
    const test::BoundModel m = test::bind(make_model::SyntheticModel(test::small_spec()));
    const auto sequence = tokens(100);
    const auto sparse = all_logits(m.model, config(AttentionPath::Sparse, 8), sequence);
    auto keep_all = config(AttentionPath::Gated, 8);
    keep_all.gate_top_k = 1000;
    CHECK(all_logits(m.model, keep_all, sequence) == sparse);
    auto keep_none = config(AttentionPath::Gated, 8);
    keep_none.gate_top_k = 0;
    CHECK(all_logits(m.model, keep_none, sequence) != sparse);
}

TEST_CASE("transformer: thread count, batch size and prefill-vs-decode change no bit", "[transformer]") {
    const test::BoundModel m = test::bind(make_model::SyntheticModel(test::small_spec()));
    const auto sequence = tokens(70);
    const size_t n_vocab = 256;
    for (AttentionPath mode : {AttentionPath::Dense, AttentionPath::Sparse}) {
        auto o = config(mode, 16);
        const auto reference = all_logits(m.model, o, sequence);
        o.n_threads = 2;
        CHECK(all_logits(m.model, o, sequence) == reference);
        o.n_batch = 7;
        CHECK(all_logits(m.model, o, sequence) == reference);
        o.sparse.kv_dtype = kernels::KvDtype::F32;  // another cache type gives other bits: a real check
        CHECK(all_logits(m.model, o, sequence) != reference);

        Transformer one_by_one(m.model, config(mode, 16));
        std::vector<float> logits(n_vocab);
        for (size_t i = 0; i < sequence.size(); ++i) {
            one_by_one.forward(&sequence[i], 1, logits.data());
            REQUIRE(std::equal(logits.begin(), logits.end(), reference.begin() + i * n_vocab));
        }
    }
}

TEST_CASE("transformer: H2O keeps the cache within its budget far past it, and positions keep counting", "[transformer][h2o]") {
    const test::BoundModel m = test::bind(make_model::SyntheticModel(test::small_spec()));
    auto o = config(AttentionPath::Sparse, 16);
    o.kv_budget = 40;
    Transformer t(m.model, o);
    CHECK(t.room() == -1);
    const auto prompt = tokens(30);
    std::vector<float> logits(256);
    t.forward(prompt.data(), prompt.size(), logits.data());
    int32_t token = runtime::argmax(logits.data(), 256);
    std::set<int32_t> distinct;
    for (int i = 0; i < 300; ++i) {
        t.forward(&token, 1, logits.data());
        REQUIRE(t.kv_len() <= 40);
        for (float l : logits) REQUIRE(std::isfinite(l));
        token = runtime::argmax(logits.data(), 256);
        distinct.insert(token);
    }
    CHECK(t.n_past() == 330);
    CHECK(t.kv_len() == 40);
    CHECK(t.evictions() == 330 - 40);
    CHECK(distinct.size() > 1);  // not stuck on one token
    const uint64_t bytes = t.kv_bytes();
    const uint64_t rows = 2 * 40 * 2 * 32 * 2;  // layers x slots x (k, v) x kv width x fp16
    CHECK(bytes >= rows);
    CHECK(bytes < rows * 3 / 2);  // landmarks and attention mass are small beside the rows

    // A prompt longer than the budget is prefilled through eviction too.
    Transformer long_prompt(m.model, o);
    const auto many = tokens(150);
    long_prompt.forward(many.data(), many.size(), logits.data());
    CHECK(long_prompt.kv_len() == 40);
    CHECK(long_prompt.n_past() == 150);
}

TEST_CASE("transformer: warm-up leaves no trace", "[transformer]") {
    const test::BoundModel m = test::bind(make_model::SyntheticModel(test::small_spec()));
    const auto sequence = tokens(20);
    const auto reference = all_logits(m.model, config(AttentionPath::Sparse, 8), sequence);
    Transformer t(m.model, config(AttentionPath::Sparse, 8));
    t.warm_up();
    CHECK(t.n_past() == 0);
    CHECK(t.kv_len() == 0);
    std::vector<float> logits(reference.size());
    t.forward(sequence.data(), sequence.size(), logits.data(), true);
    CHECK(logits == reference);
    CHECK_THROWS_AS(t.warm_up(), runtime::Error);  // only before the first token
}

TEST_CASE("transformer: a far deadline changes nothing, bit for bit", "[transformer][deadline]") {
    const test::BoundModel m = test::bind(make_model::SyntheticModel(test::small_spec()));
    const auto sequence = tokens(40);
    Transformer plain(m.model, config(AttentionPath::Sparse, 8));
    Transformer timed(m.model, config(AttentionPath::Sparse, 8));
    const kernels::DeadlineTimer far = deadline_in(std::chrono::hours(1));
    timed.control().deadline = &far;
    std::vector<float> a(256), b(256);
    for (int32_t token : sequence) {
        plain.forward(&token, 1, a.data());
        timed.forward(&token, 1, b.data());
        REQUIRE(a == b);
    }
}

TEST_CASE("transformer: an expired deadline stops at a named checkpoint and rolls the step back", "[transformer][deadline]") {
    const test::BoundModel m = test::bind(make_model::SyntheticModel(test::small_spec()));
    for (int64_t budget : {0, 24}) {
        auto o = config(AttentionPath::Sparse, 8);
        o.kv_budget = budget;
        const auto prefix = tokens(30);
        Transformer t(m.model, o);
        std::vector<float> logits(256);
        t.forward(prefix.data(), prefix.size(), logits.data());
        const size_t len = t.kv_len();

        const kernels::DeadlineTimer expired = deadline_in(std::chrono::milliseconds(-1));
        t.control().deadline = &expired;
        const int32_t next = 5;
        try {
            t.forward(&next, 1, logits.data());
            FAIL("no DeadlineExceeded");
        } catch (const kernels::DeadlineExceeded& e) {
            CHECK(std::string(e.checkpoint()) == "candidate_selection");  // the kernel's first check
        }
        CHECK(t.n_past() == 30);
        CHECK(t.kv_len() <= len);  // whole rows only: the step's rows are gone (an H2O victim stays evicted)
        t.control().deadline = nullptr;
        t.forward(&next, 1, logits.data());
        CHECK(t.n_past() == 31);
        if (budget == 0) {  // without eviction the rolled-back state is exactly the one before the step
            std::vector<int32_t> full = prefix;
            full.push_back(next);
            const auto reference = all_logits(m.model, o, full);
            CHECK(std::equal(logits.begin(), logits.end(), reference.end() - 256));
        }
    }
}

TEST_CASE("transformer: bad tokens and a full context are errors naming the sizes", "[transformer][errors]") {
    const test::BoundModel m = test::bind(make_model::SyntheticModel(test::small_spec()));
    auto o = config(AttentionPath::Dense, 8);
    o.n_ctx = 10;
    Transformer t(m.model, o);
    std::vector<float> logits(256);
    const int32_t bad = 256;
    CHECK_THROWS_WITH(t.forward(&bad, 1, logits.data()), Catch::Contains("token id 256 is outside the vocabulary"));
    const auto eleven = tokens(11);
    CHECK_THROWS_WITH(t.forward(eleven.data(), 11, logits.data()), Catch::Contains("context full: 11 tokens"));
    CHECK(t.n_past() == 0);
    t.forward(eleven.data(), 10, logits.data());
    CHECK(t.room() == 0);
    auto tiny_budget = o;
    tiny_budget.kv_budget = 8;  // window 8 + 1 global leave nothing to evict
    CHECK_THROWS_WITH(Transformer(m.model, tiny_budget), Catch::Contains("KV budget 8 must exceed"));
}

TEST_CASE("transformer: a window of SIZE_MAX is a window covering the context, bit for bit (prefill and decode)", "[transformer][limits]") {
    // The KV store attends densely while a slot is within the window; a window of SIZE_MAX must cover every
    // slot (not wrap window + 1 to 0 rows), exactly like a window of n_ctx, and so equal dense attention.
    constexpr size_t kMax = std::numeric_limits<size_t>::max();
    const test::BoundModel m = test::bind(make_model::SyntheticModel(test::small_spec()));
    const auto sequence = tokens(100);
    const size_t n_vocab = 256;
    const auto dense = all_logits(m.model, config(AttentionPath::Dense, 16), sequence);
    for (AttentionPath mode : {AttentionPath::Sparse, AttentionPath::Gated}) {
        CHECK(all_logits(m.model, config(mode, kMax), sequence) == all_logits(m.model, config(mode, 512), sequence));
        CHECK(all_logits(m.model, config(mode, kMax, kMax), sequence) == dense);
    }
    Transformer one_by_one(m.model, config(AttentionPath::Sparse, kMax));
    std::vector<float> logits(n_vocab);
    for (size_t i = 0; i < sequence.size(); ++i) {
        one_by_one.forward(&sequence[i], 1, logits.data());
        REQUIRE(std::equal(logits.begin(), logits.end(), dense.begin() + i * n_vocab));
    }
}

TEST_CASE("transformer: a block of SIZE_MAX is one landmark block that never completes", "[transformer][limits]") {
    constexpr size_t kMax = std::numeric_limits<size_t>::max();
    const test::BoundModel m = test::bind(make_model::SyntheticModel(test::small_spec()));
    const auto sequence = tokens(100);
    // Causal queries use complete blocks only, and a block beyond n_ctx (512) never completes.
    CHECK(all_logits(m.model, config(AttentionPath::Sparse, 16, kMax), sequence) ==
          all_logits(m.model, config(AttentionPath::Sparse, 16, 513), sequence));
    // The store holds ceil(n_ctx / block) = 1 landmark block per layer, like a block of n_ctx.
    CHECK(Transformer(m.model, config(AttentionPath::Sparse, 16, kMax)).kv_bytes() ==
          Transformer(m.model, config(AttentionPath::Sparse, 16, 512)).kv_bytes());
    CHECK_THROWS_WITH(Transformer(m.model, config(AttentionPath::Sparse, 16, 0)),
                      Catch::Contains("attention block size must be at least 1"));
}

TEST_CASE("transformer: KV budgets refuse a window or block of SIZE_MAX instead of wrapping past the checks", "[transformer][h2o][limits]") {
    constexpr size_t kMax = std::numeric_limits<size_t>::max();
    const test::BoundModel m = test::bind(make_model::SyntheticModel(test::small_spec()));
    auto o = config(AttentionPath::Sparse, kMax);
    o.kv_budget = 40;  // window + 1 global wrapped to 0 < 40: the sink became the eviction fallback
    CHECK_THROWS_WITH(Transformer(m.model, o),
                      Catch::Contains("KV budget 40 must exceed the attention window 18446744073709551615"));
    // The Pi Zero budget: at least 2 * window + globals + 1 slots (saturating), whole blocks that fit in RSS.
    const uint64_t roomy = uint64_t{1} << 40, tight = uint64_t{1} << 20;  // the 512-token context fits, or nothing
    CHECK(runtime::kv_budget_for_rss(m.model, config(AttentionPath::Sparse, 16), roomy, 0) == 512);
    for (size_t window : {kMax, kMax / 2}) {
        // A context shorter than the (saturated) floor that fits whole runs without eviction; one that does not
        // fit is refused, the floor not wrapped.
        CHECK(runtime::kv_budget_for_rss(m.model, config(AttentionPath::Sparse, window), roomy, 0) == 0);
        CHECK_THROWS_WITH(runtime::kv_budget_for_rss(m.model, config(AttentionPath::Sparse, window), tight, 0),
                          Catch::Contains("fewer than 18446744073709551615"));
    }
    CHECK_THROWS_WITH(runtime::kv_budget_for_rss(m.model, config(AttentionPath::Sparse, 16, kMax), roomy, 0),
                      Catch::Contains("leaves room for 0 KV slots"));
}

TEST_CASE("transformer: every family keeps the invariants -- sparse is dense within the window, threads and batches "
          "change no bit, H2O stays in budget", "[transformer][arch]") {
    SKIP_WITHOUT_ARCH_MODELS();
    for (const char* family : {"llama3", "qwen2", "gemma", "phi2"}) {
        INFO(family);
        const runtime::Model model =
            runtime::Model::open((test::arch_models_dir() / (std::string("tiny-") + family + "-Q4_0.gguf")).string());
        const auto n_vocab = static_cast<size_t>(model.config().n_vocab);
        const auto sequence = tokens(40);
        const auto dense = all_logits(model, config(AttentionPath::Dense, 16), sequence);
        CHECK(all_logits(model, config(AttentionPath::Sparse, 64), sequence) == dense);
        auto o = config(AttentionPath::Sparse, 16);
        const auto sparse = all_logits(model, o, sequence);
        CHECK(std::equal(dense.begin(), dense.begin() + 17 * n_vocab, sparse.begin()));
        o.n_threads = 2;
        o.n_batch = 7;
        CHECK(all_logits(model, o, sequence) == sparse);

        auto budget = config(AttentionPath::Sparse, 16);
        budget.kv_budget = 24;
        Transformer t(model, budget);
        std::vector<float> logits(n_vocab);
        t.forward(sequence.data(), sequence.size(), logits.data());
        for (int i = 0; i < 20; ++i) {
            const int32_t token = runtime::argmax(logits.data(), static_cast<int64_t>(n_vocab));
            t.forward(&token, 1, logits.data());
            REQUIRE(t.kv_len() <= 24);
        }
        CHECK(std::all_of(logits.begin(), logits.end(), [](float l) { return std::isfinite(l); }));
        CHECK(t.n_past() == 60);
    }
}
