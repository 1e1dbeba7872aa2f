// The sampler on known distributions: which candidates each filter keeps, the penalty, greedy ties, seeds,
// and empirical frequencies against the softmax.
#include <catch2/catch.hpp>

#include <cmath>
#include <set>
#include <vector>

#include "src/runtime_error.h"
#include "src/sampler.h"

namespace {

runtime::SamplerParams plain(float temperature = 1.0f) {
    runtime::SamplerParams p;
    p.temperature = temperature;
    p.top_k = 0;
    p.top_p = 1.0f;
    p.min_p = 0.0f;
    return p;
}

std::set<int32_t> kept_ids(runtime::Sampler& s, std::vector<float> logits) {
    std::set<int32_t> ids;
    for (const auto& c : s.filter(logits.data())) ids.insert(c.id);
    return ids;
}

// logits = log(probabilities): softmax gives the probabilities back.
std::vector<float> log_probs(const std::vector<double>& p) {
    std::vector<float> l;
    for (double x : p) l.push_back(static_cast<float>(std::log(x)));
    return l;
}

}  // namespace

TEST_CASE("sampler: greedy takes the argmax, ties go to the lowest id", "[sampler]") {
    runtime::Sampler s(plain(0.0f), 5);
    std::vector<float> logits{1, 3, 2, 3, -1};
    CHECK(s.sample(logits.data()) == 1);
    std::vector<float> flat(5, 0.5f);
    CHECK(s.sample(flat.data()) == 0);
    CHECK(runtime::argmax(logits.data(), 5) == 1);
}

TEST_CASE("sampler: top-k keeps exactly the k best (ties to lower ids)", "[sampler]") {
    auto p = plain();
    p.top_k = 3;
    runtime::Sampler s(p, 6);
    CHECK(kept_ids(s, {0.1f, 5, 4, 0.2f, 4, 3}) == std::set<int32_t>{1, 2, 4});
    CHECK(kept_ids(s, {1, 1, 1, 1, 1, 1}) == std::set<int32_t>{0, 1, 2});
    p.top_k = 100;  // larger than the vocabulary: everything
    runtime::Sampler all(p, 6);
    CHECK(kept_ids(all, {0, 1, 2, 3, 4, 5}).size() == 6);
}

TEST_CASE("sampler: top-p keeps the shortest prefix reaching p", "[sampler]") {
    const auto logits = log_probs({0.05, 0.4, 0.3, 0.15, 0.1});
    auto p = plain();
    p.top_p = 0.7f;  // 0.4 + 0.3 = 0.7 reaches it
    runtime::Sampler s(p, 5);
    CHECK(kept_ids(s, logits) == std::set<int32_t>{1, 2});
    p.top_p = 0.71f;  // needs the third
    runtime::Sampler s2(p, 5);
    CHECK(kept_ids(s2, logits) == std::set<int32_t>{1, 2, 3});
    p.top_p = 0.0f;  // at least one token stays
    runtime::Sampler s3(p, 5);
    CHECK(kept_ids(s3, logits) == std::set<int32_t>{1});
}

TEST_CASE("sampler: min-p keeps p >= min_p * p_max", "[sampler]") {
    const auto logits = log_probs({0.05, 0.4, 0.3, 0.15, 0.1});
    auto p = plain();
    p.min_p = 0.3f;  // threshold 0.12: keeps 0.4, 0.3, 0.15
    runtime::Sampler s(p, 5);
    CHECK(kept_ids(s, logits) == std::set<int32_t>{1, 2, 3});
    p.min_p = 1.0f;
    runtime::Sampler s2(p, 5);
    CHECK(kept_ids(s2, logits) == std::set<int32_t>{1});
}

TEST_CASE("sampler: kept probabilities are the renormalised softmax at the temperature", "[sampler]") {
    auto p = plain(0.5f);
    p.top_k = 2;
    runtime::Sampler s(p, 4);
    std::vector<float> logits{0.0f, 1.0f, 0.5f, -3.0f};
    const auto& kept = s.filter(logits.data());
    REQUIRE(kept.size() == 2);
    CHECK(kept[0].id == 1);
    CHECK(kept[1].id == 2);
    const double a = std::exp(1.0 / 0.5), b = std::exp(0.5 / 0.5);
    CHECK(kept[0].p == Approx(a / (a + b)).epsilon(1e-6));
    CHECK(kept[1].p == Approx(b / (a + b)).epsilon(1e-6));
}

TEST_CASE("sampler: repetition penalty divides positive and multiplies negative logits, once per token", "[sampler]") {
    auto p = plain(0.0f);
    p.repeat_penalty = 2.0f;
    p.repeat_last_n = 3;
    runtime::Sampler s(p, 4);
    for (int32_t t : {0, 0, 1}) s.accept(t);  // token 0 twice: still penalised once
    std::vector<float> logits{4.0f, -1.0f, 3.0f, 2.5f};
    CHECK(s.sample(logits.data()) == 2);
    CHECK(logits == std::vector<float>{2.0f, -2.0f, 3.0f, 2.5f});
    s.accept(3);
    s.accept(3);
    s.accept(3);  // the window of 3 now holds only token 3
    std::vector<float> again{4.0f, -1.0f, 3.0f, 2.5f};
    CHECK(s.sample(again.data()) == 0);
    CHECK(again == std::vector<float>{4.0f, -1.0f, 3.0f, 1.25f});
    s.reset_history();
    std::vector<float> fresh{4.0f, -1.0f, 3.0f, 2.5f};
    s.sample(fresh.data());
    CHECK(fresh == std::vector<float>{4.0f, -1.0f, 3.0f, 2.5f});
}

TEST_CASE("sampler: empirical frequencies match the softmax", "[sampler]") {
    const std::vector<float> logits{0.0f, 1.0f, 2.0f, -1.0f, 0.5f, 1.5f};
    for (float temperature : {1.0f, 0.7f, 2.0f}) {
        auto p = plain(temperature);
        p.seed = 1234;
        runtime::Sampler s(p, 6);
        const int draws = 100000;
        std::vector<int> counts(6);
        for (int i = 0; i < draws; ++i) {
            auto l = logits;
            ++counts[static_cast<size_t>(s.sample(l.data()))];
        }
        double z = 0;
        for (float l : logits) z += std::exp(l / temperature);
        for (size_t i = 0; i < 6; ++i) {
            const double expected = std::exp(logits[i] / temperature) / z;
            const double sigma = std::sqrt(expected * (1 - expected) / draws);
            // 5 sigma per cell: a correct sampler fails this about once in 10^6 runs (and the seed is fixed)
            CHECK(std::abs(counts[i] / double(draws) - expected) < 5 * sigma);
        }
    }
}

TEST_CASE("sampler: the same seed gives the same stream, different seeds different ones", "[sampler]") {
    auto stream = [](uint64_t seed) {
        auto p = plain(1.0f);
        p.seed = seed;
        runtime::Sampler s(p, 50);
        std::vector<int32_t> out;
        for (int i = 0; i < 64; ++i) {
            std::vector<float> flat(50, 0.0f);
            out.push_back(s.sample(flat.data()));
        }
        return out;
    };
    CHECK(stream(42) == stream(42));
    CHECK(stream(42) != stream(43));  // the `seed | 1` bug of the seed sampler made these equal
    CHECK(stream(0) != stream(1));
}

TEST_CASE("sampler: parameters out of range are rejected", "[sampler][errors]") {
    auto p = plain();
    p.top_p = 1.5f;
    CHECK_THROWS_AS(runtime::Sampler(p, 10), runtime::Error);
    p = plain();
    p.top_k = -1;
    CHECK_THROWS_AS(runtime::Sampler(p, 10), runtime::Error);
    p = plain();
    p.repeat_penalty = 0.0f;
    CHECK_THROWS_AS(runtime::Sampler(p, 10), runtime::Error);
}
