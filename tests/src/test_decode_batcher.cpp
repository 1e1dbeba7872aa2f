// Batched decoding: one pass for the next token of several sequences gives each the bits of its own decode
// step, whatever their positions, caches and attention paths; the batcher runs concurrent decode steps in one
// pass and leaves every generation as it would be alone.
#include <catch2/catch.hpp>

#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "src/decode_batcher.h"
#include "src/generation.h"
#include "src/runtime_error.h"
#include "src/transformer.h"
#include "support/shared_data.h"
#include "support/synthetic_fixture.h"
#include "tokenizer/tokenizer.h"

namespace {

using kernels::AttentionPath;
using runtime::DecodeRequest;
using runtime::RunConfig;
using runtime::Transformer;

constexpr size_t kVocab = 256;

RunConfig config(AttentionPath attention, kernels::KvDtype kv = kernels::KvDtype::F16) {
    RunConfig o;
    o.n_ctx = 256;
    o.attention = attention;
    o.sparse.window = 16;
    o.sparse.block_size = 8;
    o.sparse.kv_dtype = kv;
    return o;
}

std::vector<int32_t> prompt(size_t n, size_t seed) {
    std::vector<int32_t> t(n);
    for (size_t i = 0; i < n; ++i) t[i] = static_cast<int32_t>((i * 37 + seed * 101 + 11) % kVocab);
    return t;
}

// Prompts of different lengths: inside the window, at its edge and well past it.
const std::vector<size_t> kPromptLengths = {3, 16, 45};

}  // namespace

TEST_CASE("transformer: a batched decode step gives every sequence the logits of its own step, bit for bit", "[transformer][batch]") {
    const test::BoundModel m = test::bind(make_model::SyntheticModel(test::small_spec()));
    for (const RunConfig& o : {config(AttentionPath::Sparse), config(AttentionPath::Dense, kernels::KvDtype::F32)}) {
        std::vector<std::unique_ptr<Transformer>> alone, batched;
        std::vector<float> logits(kVocab);
        for (size_t i = 0; i < kPromptLengths.size(); ++i) {
            const auto p = prompt(kPromptLengths[i], i);
            for (auto* set : {&alone, &batched}) {
                set->push_back(std::make_unique<Transformer>(m.model, o));
                set->back()->forward(p.data(), p.size(), logits.data());
            }
        }
        auto small_batches = o;
        small_batches.n_batch = 2;  // three sequences: a pass of two, then one
        Transformer lead(m.model, small_batches);
        const auto lead_prompt = prompt(7, 9);
        lead.forward(lead_prompt.data(), lead_prompt.size(), logits.data());
        Transformer lead_alone(m.model, o);
        lead_alone.forward(lead_prompt.data(), lead_prompt.size(), logits.data());

        std::vector<float> expected(4 * kVocab), got(4 * kVocab), rows;
        for (int32_t step = 0; step < 20; ++step) {
            std::vector<DecodeRequest> requests{{&lead, step, got.data()}};
            lead_alone.forward(&step, 1, expected.data());
            for (size_t i = 0; i < batched.size(); ++i) {
                const int32_t token = static_cast<int32_t>((step * 7 + i * 13) % kVocab);
                requests.push_back({batched[i].get(), token, got.data() + (i + 1) * kVocab});
                alone[i]->forward(&token, 1, expected.data() + (i + 1) * kVocab);
            }
            Transformer::decode_batch(requests.data(), requests.size(), rows);
            REQUIRE(got == expected);
        }
        for (size_t i = 0; i < batched.size(); ++i) {
            CHECK(batched[i]->n_past() == alone[i]->n_past());
            CHECK(batched[i]->kv_len() == alone[i]->kv_len());
        }
    }
}

TEST_CASE("transformer: a batched step with a bad token or a full context runs nothing", "[transformer][batch]") {
    const test::BoundModel m = test::bind(make_model::SyntheticModel(test::small_spec()));
    auto o = config(AttentionPath::Sparse);
    o.n_ctx = 4;
    Transformer a(m.model, o), full(m.model, o);
    const auto p = prompt(4, 1);
    std::vector<float> logits(2 * kVocab), rows;
    full.forward(p.data(), p.size(), logits.data());
    a.forward(p.data(), 1, logits.data());

    std::vector<DecodeRequest> bad_token{{&a, 5, logits.data()}, {&full, static_cast<int32_t>(kVocab), logits.data()}};
    CHECK_THROWS_AS(Transformer::decode_batch(bad_token.data(), bad_token.size(), rows), runtime::Error);
    std::vector<DecodeRequest> no_room{{&a, 5, logits.data()}, {&full, 6, logits.data()}};
    CHECK_THROWS_WITH(Transformer::decode_batch(no_room.data(), no_room.size(), rows), Catch::Contains("context full"));
    CHECK(a.n_past() == 1);
    CHECK(full.n_past() == 4);
}

TEST_CASE("decode batcher: decode steps that wait together run as one pass", "[transformer][batch]") {
    const test::BoundModel m = test::bind(make_model::SyntheticModel(test::small_spec()));
    const RunConfig o = config(AttentionPath::Sparse);
    runtime::DecodeBatcher batcher(2);
    std::vector<std::unique_ptr<Transformer>> sequences;
    std::vector<std::vector<float>> logits(3, std::vector<float>(kVocab));
    for (size_t i = 0; i < 3; ++i) sequences.push_back(std::make_unique<Transformer>(m.model, o, &batcher));

    std::vector<std::thread> threads;
    {
        Transformer holder(m.model, o, &batcher);
        const runtime::DecodeBatcher::Turn turn = batcher.turn(holder);  // the pool is busy: every step waits
        for (size_t i = 0; i < 3; ++i) {
            threads.emplace_back([&, i] {
                const int32_t token = static_cast<int32_t>(i + 1);
                sequences[i]->forward(&token, 1, logits[i].data());
            });
        }
        while (batcher.waiting() < 3) std::this_thread::yield();
    }
    for (auto& thread : threads) thread.join();
    CHECK(batcher.stats().steps == 1);
    CHECK(batcher.stats().rows == 3);
    for (size_t i = 0; i < 3; ++i) {
        Transformer alone(m.model, o);
        std::vector<float> expected(kVocab);
        const int32_t token = static_cast<int32_t>(i + 1);
        alone.forward(&token, 1, expected.data());
        CHECK(logits[i] == expected);
        CHECK(sequences[i]->n_past() == 1);
    }
}

TEST_CASE("decode batcher: generations on concurrent threads give what each gives alone", "[transformer][batch]") {
    SKIP_WITHOUT_SHARED();
    const runtime::Model model = runtime::Model::open(test::shared_path("models/stories260K.gguf"));
    const tokenizer::Tokenizer tok = tokenizer::Tokenizer::from_gguf(model.file());
    const RunConfig o = config(AttentionPath::Sparse);
    runtime::SamplerParams greedy;
    greedy.temperature = 0.0f;
    runtime::GenerationOptions options;
    options.n_predict = 24;
    const std::vector<std::string> prompts = {"Once", "The little dog ran to the park and", "Lily and Ben"};

    // the ids, and the stop reason as the last "id" (Catch's checks are for the main thread only)
    const auto generate = [&](Transformer& t, const std::string& text) {
        runtime::Sampler sampler(greedy, model.config().n_vocab);
        runtime::Generator generator(t, tok, sampler, options);
        std::vector<std::string> ids;
        const auto stats = generator.generate(tok.encode(text, true), {[](std::string_view) {}, [&](int32_t id) { ids.push_back(std::to_string(id)); }});
        ids.push_back(stats.stop_reason);
        return ids;
    };
    std::vector<std::vector<std::string>> expected, got(prompts.size());
    for (const std::string& text : prompts) {
        Transformer alone(model, o);
        expected.push_back(generate(alone, text));
        REQUIRE(expected.back().back() == "n_predict");
    }

    runtime::DecodeBatcher batcher(2);
    std::vector<std::unique_ptr<Transformer>> sequences;
    for (size_t i = 0; i < prompts.size(); ++i) sequences.push_back(std::make_unique<Transformer>(model, o, &batcher));
    std::vector<std::thread> threads;
    for (size_t i = 0; i < prompts.size(); ++i)
        threads.emplace_back([&, i] { got[i] = generate(*sequences[i], prompts[i]); });
    for (auto& thread : threads) thread.join();
    CHECK(got == expected);
    // every decode step (each token but the first, which the prompt's pass gives) went through a batched pass
    CHECK(batcher.stats().rows == prompts.size() * static_cast<size_t>(options.n_predict - 1));
}
