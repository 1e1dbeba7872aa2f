// Perplexity statistics on cases whose answer is known independently: hand-computed formulas, models whose
// next-token distribution is uniform (PPL = vocabulary size) or the same at every position (PPL follows from
// which tokens are scored), and comparisons whose outcome is an identity.
#include <catch2/catch.hpp>

#include <cmath>
#include <vector>

#include "apps/perplexity/perplexity.h"
#include "src/runtime_error.h"
#include "support/synthetic_fixture.h"

namespace {

using kernels::AttentionPath;

runtime::RunConfig config(AttentionPath mode, size_t window = 128) {
    runtime::RunConfig o;
    o.n_ctx = 64;
    o.attention = mode;
    o.sparse.window = window;
    o.sparse.block_size = 8;
    return o;
}

// A fixed pseudo-random token sequence of the small model's 256-token vocabulary.
std::vector<int32_t> tokens(size_t n) {
    std::vector<int32_t> t(n);
    for (size_t i = 0; i < n; ++i) t[i] = static_cast<int32_t>((i * 97 + 13) % 251);
    return t;
}

// Every token embeds to the same all-ones vector, so every position sees the same inputs, keys and values
// (attention averages identical rows) and the next-token distribution is the same everywhere.
make_model::SyntheticModel constant_model() {
    make_model::SyntheticModelSpec spec = test::small_spec();
    spec.tied = false;
    make_model::SyntheticModel m(spec);
    make_model::SyntheticModel::Tensor& embd = m.tensor("token_embd.weight");
    embd.is_norm = true;  // values 1 + scale * noise
    embd.scale = 0.0f;
    return m;
}

std::vector<double> log_softmax(const std::vector<float>& logits) {
    double max = logits[0], sum = 0.0;
    for (float x : logits) max = std::max(max, static_cast<double>(x));
    for (float x : logits) sum += std::exp(x - max);
    std::vector<double> out;
    for (float x : logits) out.push_back(x - max - std::log(sum));
    return out;
}

}  // namespace

TEST_CASE("perplexity stats: the llama-perplexity uncertainty on a hand case", "[perplexity]") {
    perplexity::NllStats s;
    for (double nll : {1.0, 2.0, 3.0, 4.0}) s.add(nll);
    // mean 2.5, mean of squares 7.5, variance 1.25, standard error sqrt(1.25 / 3)
    CHECK(s.count() == 4);
    CHECK(s.perplexity() == Approx(std::exp(2.5)).epsilon(1e-15));
    CHECK(s.perplexity_uncertainty() == Approx(std::exp(2.5) * std::sqrt(1.25 / 3.0)).epsilon(1e-14));

    perplexity::NllStats one;
    one.add(0.7);
    CHECK(one.perplexity() == Approx(std::exp(0.7)));
    CHECK(one.perplexity_uncertainty() == 0.0);  // undefined with one position
    CHECK(perplexity::NllStats().perplexity() == 1.0);
}

TEST_CASE("perplexity stats: token NLL, KL direction and top-1 agreement on hand cases", "[perplexity]") {
    const float log2 = std::log(2.0f), log3 = std::log(3.0f);
    const std::vector<float> quarter{0.0f, log3};  // p = (1/4, 3/4)
    CHECK(perplexity::token_nll(quarter.data(), 2, 1) == Approx(std::log(4.0 / 3.0)).epsilon(1e-7));
    CHECK(perplexity::token_nll(quarter.data(), 2, 0) == Approx(std::log(4.0)).epsilon(1e-7));
    const std::vector<float> flat(10, 3.5f);
    CHECK(perplexity::token_nll(flat.data(), flat.size(), 4) == Approx(std::log(10.0)).epsilon(1e-15));

    // base p = (1/3, 2/3), test q = (1/2, 1/2): KL(p || q) = 1/3 ln(2/3) + 2/3 ln(4/3); KL(q || p) differs.
    const std::vector<float> base{0.0f, log2}, test{0.0f, 0.0f};
    perplexity::DistributionComparison c;
    c.add(base.data(), test.data(), 2, 1);
    const double kl_pq = std::log(2.0 / 3.0) / 3.0 + 2.0 * std::log(4.0 / 3.0) / 3.0;
    const double kl_qp = 0.5 * std::log(1.5) + 0.5 * std::log(0.75);
    REQUIRE(std::abs(kl_pq - kl_qp) > 1e-3);
    CHECK(c.mean_kld() == Approx(kl_pq).epsilon(1e-6));
    CHECK(c.same_top_share() == 0.0);  // argmax: 1 for p, 0 for q (a tie goes to the lower id)
    // target 1: PPL(test)/PPL(base) = q(1)^-1 / p(1)^-1 = (2/3) / (1/2)
    CHECK(c.ppl_ratio() == Approx(4.0 / 3.0).epsilon(1e-6));

    c.add(base.data(), base.data(), 2, 0);  // identical distributions: KL 0, same top-1
    CHECK(c.count() == 2);
    CHECK(c.mean_kld() == Approx(kl_pq / 2).epsilon(1e-6));
    CHECK(c.same_top_share() == 0.5);
    CHECK(c.same_top_uncertainty() == Approx(std::sqrt(0.25 / 1.0)));
}

TEST_CASE("perplexity: a model whose logits are all zero has the vocabulary size as perplexity", "[perplexity]") {
    const test::BoundModel m = test::bind(test::zero_logits_model(test::small_spec()));
    runtime::Transformer t(m.model, config(AttentionPath::Sparse, 8));
    const std::vector<int32_t> text = tokens(200);
    perplexity::PerplexityOptions o;
    o.n_ctx = 64;
    o.bos = 1;
    std::vector<size_t> seen;
    const auto r = perplexity::evaluate_perplexity(text, o, t, nullptr, [&](const perplexity::PerplexityResult& p) {
        seen.push_back(p.windows);
        CHECK(p.n_windows == 3);
    });
    CHECK(seen == std::vector<size_t>{1, 2, 3});
    CHECK(r.windows == 3);                                     // 200 / 64 whole windows
    CHECK(perplexity::scored_per_window(64) == 31);               // positions 32..62
    CHECK(r.nll.count() == 3 * 31);
    CHECK(r.nll.perplexity() == Approx(256.0).epsilon(1e-12));
    CHECK(r.nll.perplexity_uncertainty() == 0.0);  // every NLL the same

    o.max_windows = 2;
    CHECK(perplexity::evaluate_perplexity(text, o, t).nll.count() == 2 * 31);
}

TEST_CASE("perplexity: scores exactly the second half of each window, BOS never a target", "[perplexity]") {
    const test::BoundModel m = test::bind(constant_model());
    runtime::Transformer t(m.model, config(AttentionPath::Dense));
    const auto n_vocab = static_cast<size_t>(m.model.config().n_vocab);

    // The fixture's premise: the distribution does not depend on the tokens or their positions.
    std::vector<float> logits(3 * n_vocab);
    const std::vector<int32_t> probe{5, 200, 17};
    t.forward(probe.data(), probe.size(), logits.data(), true);
    const std::vector<double> log_p = log_softmax({logits.begin(), logits.begin() + static_cast<ptrdiff_t>(n_vocab)});
    for (size_t i = 0; i < n_vocab; ++i) REQUIRE(logits[2 * n_vocab + i] == Approx(logits[i]).margin(1e-4));
    REQUIRE(log_p[0] != Approx(log_p[1]).margin(1e-3));  // not uniform, so the choice of targets matters
    t.reset();

    for (int64_t n_ctx : {7, 16, 33}) {
        const std::vector<int32_t> text = tokens(static_cast<size_t>(n_ctx) * 3 + 5);
        // Window w scores the tokens at w*n_ctx + j, j = n_ctx/2 + 1 .. n_ctx - 1.
        double nll = 0.0;
        size_t count = 0;
        for (int64_t w = 0; w < 3; ++w)
            for (int64_t j = n_ctx / 2 + 1; j < n_ctx; ++j, ++count) nll -= log_p[static_cast<size_t>(text[w * n_ctx + j])];
        perplexity::PerplexityOptions o;
        o.n_ctx = n_ctx;
        o.bos = 1;
        const auto r = perplexity::evaluate_perplexity(text, o, t);
        CHECK(r.nll.count() == count);
        CHECK(r.nll.perplexity() == Approx(std::exp(nll / static_cast<double>(count))).epsilon(1e-5));
    }
}

TEST_CASE("perplexity compare: identical runs agree exactly, a small window departs from dense consistently",
          "[perplexity]") {
    const test::BoundModel m = test::bind(make_model::SyntheticModel(test::small_spec()));
    const std::vector<int32_t> text = tokens(160);
    perplexity::PerplexityOptions o;
    o.n_ctx = 64;

    runtime::Transformer dense(m.model, config(AttentionPath::Dense));
    runtime::Transformer covering(m.model, config(AttentionPath::Sparse, 128));  // the window covers a window
    const auto same = perplexity::evaluate_perplexity(text, o, covering, &dense);
    REQUIRE(same.comparison);
    CHECK(same.comparison->mean_kld() == 0.0);
    CHECK(same.comparison->same_top_share() == 1.0);
    CHECK(same.comparison->ppl_ratio() == 1.0);

    runtime::Transformer narrow(m.model, config(AttentionPath::Sparse, 4));
    const auto r = perplexity::evaluate_perplexity(text, o, narrow, &dense);
    const perplexity::DistributionComparison& c = *r.comparison;
    CHECK(c.count() == r.nll.count());
    CHECK(c.mean_kld() > 1e-6);
    CHECK(c.same_top_share() < 1.0);
    // The lockstep runs give what each gives alone.
    CHECK(c.test().perplexity() == r.nll.perplexity());
    CHECK(c.base().perplexity() == Approx(same.nll.perplexity()).epsilon(1e-12));
    CHECK(c.ppl_ratio() == Approx(r.nll.perplexity() / same.nll.perplexity()).epsilon(1e-12));
    CHECK(c.ppl_ratio_uncertainty() > 0.0);
}

TEST_CASE("perplexity: too short a text, too small a window or context, or no window at all are errors", "[perplexity]") {
    const test::BoundModel m = test::bind(make_model::SyntheticModel(test::small_spec()));
    runtime::Transformer t(m.model, config(AttentionPath::Dense));
    perplexity::PerplexityOptions o;
    o.n_ctx = 32;
    CHECK_THROWS_WITH(perplexity::evaluate_perplexity(tokens(63), o, t), Catch::Contains("needs at least 64"));
    o.n_ctx = 2;
    CHECK_THROWS_WITH(perplexity::evaluate_perplexity(tokens(63), o, t), Catch::Contains("scores nothing"));
    o.n_ctx = 65;  // the transformer holds 64
    CHECK_THROWS_WITH(perplexity::evaluate_perplexity(tokens(200), o, t), Catch::Contains("smaller than a perplexity window"));
    o.n_ctx = 32;
    o.max_windows = 0;  // a result from zero scored tokens would be PPL 1
    CHECK_THROWS_WITH(perplexity::evaluate_perplexity(tokens(200), o, t), Catch::Contains("no tokens scored"));
}
