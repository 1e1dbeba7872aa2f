// The generation loop: streamed text, stop strings across token boundaries, end-of-generation, the token and
// context limits, deadlines with both policies, and chat sessions that feed only what the cache lacks.
#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <string>
#include <vector>

#include "src/chat_session.h"
#include "src/generation.h"
#include "src/stop_strings.h"
#include "support/file_bytes.h"
#include "support/shared_data.h"
#include "support/synthetic_fixture.h"
#include "tokenizer/stream_decoder.h"

namespace {

struct Output {
    std::string text;
    std::vector<int32_t> ids;
    runtime::GenerationSink sink() {
        return {[this](std::string_view t) { text.append(t); }, [this](int32_t id) { ids.push_back(id); }};
    }
};

runtime::SamplerParams greedy() {
    runtime::SamplerParams p;
    p.temperature = 0.0f;
    return p;
}

runtime::RunConfig dense(int64_t n_ctx = 512) {
    runtime::RunConfig o;
    o.n_ctx = n_ctx;
    o.attention = kernels::AttentionPath::Dense;
    return o;
}

struct Stories {
    runtime::Model model = runtime::Model::open(test::shared_path("models/stories260K.gguf"));
    tokenizer::Tokenizer tok = tokenizer::Tokenizer::from_gguf(model.file());
};

// One greedy generation on a fresh transformer: what the sink saw, the stats, and the transformer's state.
struct Run {
    Output out;
    runtime::GenerationStats stats;
    int64_t n_past = 0;
    kernels::AttentionPath attention_after = kernels::AttentionPath::Dense;
};

Run generate(const runtime::Model& model, const tokenizer::Tokenizer& tok, const runtime::GenerationOptions& g,
             const runtime::RunConfig& o, const std::vector<int32_t>& prompt) {
    runtime::Transformer t(model, o);
    runtime::Sampler sampler(greedy(), model.config().n_vocab);
    runtime::Generator gen(t, tok, sampler, g);
    Run r;
    r.stats = gen.generate(prompt, r.out.sink());
    r.n_past = t.n_past();
    r.attention_after = t.control().attention;
    return r;
}

runtime::GenerationOptions limit(int64_t n_predict) {
    runtime::GenerationOptions g;
    g.n_predict = n_predict;
    return g;
}

// A model whose logits are all exactly 0 (output matrix scaled by 0): greedy picks id 0, which the starcoder
// vocabulary makes <|endoftext|>, an end-of-generation token.
make_model::SyntheticModel always_eog_model() {
    make_model::SyntheticModelSpec spec = test::small_spec();
    spec.vocab_from = test::shared_path("models/vocab/ggml-vocab-starcoder.gguf");
    return test::zero_logits_model(spec);
}

}  // namespace

TEST_CASE("stop strings: found across pieces, never printed even in part", "[generation][stop]") {
    runtime::StopStrings stop({"little girl", "\n\n"});
    std::string printed;
    for (const char* piece : {"Once there was a ", "lit", "tle", " dog"}) {
        const auto r = stop.feed(piece);
        REQUIRE_FALSE(r.stopped);
        printed += r.text;
    }
    CHECK(printed == "Once there was a little dog");  // "lit", "little" held back until " dog" ruled them out
    const auto held = stop.feed(" and a littl");
    CHECK(held.text == " and a ");
    const auto hit = stop.feed("e girl ran");
    CHECK(hit.stopped);
    CHECK(hit.text == "");  // " and a " was already out; nothing of the stop string is
    runtime::StopStrings other({"\n\n", "end"});
    CHECK(other.feed("the end\n\n").text == "the ");  // the earliest stop string wins
    runtime::StopStrings none({""});
    CHECK(none.feed("abc").text == "abc");
    runtime::StopStrings tail({"xyz"});
    CHECK(tail.feed("abcxy").text == "abc");
    CHECK(tail.finish() == "xy");
}

TEST_CASE("stream decoder: holds back cut UTF-8 characters, and concatenation equals decode()", "[generation][stream]") {
    CHECK(tokenizer::complete_utf8_prefix("abc") == 3);
    CHECK(tokenizer::complete_utf8_prefix("a\xC3") == 1);           // é cut after its lead byte
    CHECK(tokenizer::complete_utf8_prefix("a\xE2\x82") == 1);       // € cut after two of three bytes
    CHECK(tokenizer::complete_utf8_prefix("a\xE2\x82\xAC") == 4);   // € complete
    CHECK(tokenizer::complete_utf8_prefix("\xF0\x9F\x98\x80") == 4);
    CHECK(tokenizer::complete_utf8_prefix("\x80\x80") == 2);        // stray continuation bytes pass through

    SKIP_WITHOUT_SHARED();
    for (const char* vocab : {"models/stories260K.gguf", "models/quant/bpe-smollm-Q8_0.gguf"}) {
        const gguf::File file = gguf::File::open(test::shared_path(vocab));
        const auto tok = tokenizer::Tokenizer::from_gguf(file);
        const std::string text = " Grüße, 世界! naïve café — 😀 ok";
        const std::vector<int32_t> ids = tok.encode(text, false);
        tokenizer::StreamDecoder stream(tok);
        std::string streamed;
        for (int32_t id : ids) {
            const std::string ready = stream.push(id);
            CHECK(tokenizer::complete_utf8_prefix(ready) == ready.size());
            streamed += ready;
        }
        streamed += stream.flush();
        CHECK(streamed == tok.decode(ids));
    }
}

TEST_CASE("generation: stories260K from BOS streams the 200-token golden text and ids", "[generation][golden]") {
    SKIP_WITHOUT_SHARED();
    Stories s;
    const Run r = generate(s.model, s.tok, limit(200), dense(), {s.tok.bos()});
    CHECK(r.out.ids == test::read_ids(test::shared_path("models/stories260K.greedy200.ids")));
    CHECK(r.out.text == test::read_bytes(test::shared_path("models/stories260K.greedy200.txt")));
    CHECK(r.stats.stop_reason == "n_predict");
    CHECK(r.stats.generated == 200);
    CHECK(r.stats.decode_steps == 199);  // the last token is sampled, not fed
    CHECK(r.stats.prompt_tokens == 1);
    CHECK(r.n_past == 200);
}

TEST_CASE("generation: a stop string spanning tokens ends the text right before it", "[generation][stop]") {
    SKIP_WITHOUT_SHARED();
    Stories s;
    runtime::GenerationOptions g = limit(200);
    g.stop = {"girl named"};
    const Run r = generate(s.model, s.tok, g, dense(), {s.tok.bos()});
    CHECK(r.out.text == "Once upon a time, there was a little ");
    CHECK(r.stats.stop_reason == "stop");
}

TEST_CASE("generation: end-of-generation, token limit, a limit of 0 and full context end the loop", "[generation]") {
    SKIP_WITHOUT_SHARED();
    const test::BoundModel m = test::bind(always_eog_model());
    const auto tok = tokenizer::Tokenizer::from_gguf(m.model.file());
    REQUIRE(tok.is_eog(0));
    const Run eog = generate(m.model, tok, limit(-1), dense(), tok.encode("hello world", false));  // -1: until EOG
    CHECK(eog.stats.stop_reason == "eog");
    CHECK(eog.out.ids == std::vector<int32_t>{0});
    CHECK(eog.out.text.empty());

    // --ignore-eos: the all-zero logits leave every other token equally likely; greedy takes the first of them.
    runtime::GenerationOptions ignoring = limit(5);
    ignoring.ignore_eos = true;
    const Run ignored = generate(m.model, tok, ignoring, dense(), tok.encode("hello world", false));
    CHECK(ignored.stats.stop_reason == "n_predict");
    REQUIRE(ignored.out.ids.size() == 5);
    for (const int32_t id : ignored.out.ids) CHECK_FALSE(tok.is_eog(id));

    Stories s;
    const Run full = generate(s.model, s.tok, limit(-1), dense(8), {s.tok.bos()});
    CHECK(full.stats.stop_reason == "context");
    CHECK(full.out.ids.size() == 8);  // 7 fed after BOS fill the 8 slots, the 8th sampled one is not fed
    const Run none = generate(s.model, s.tok, limit(0), dense(8), {s.tok.bos()});  // 0: the prompt only
    CHECK(none.stats.stop_reason == "n_predict");
    CHECK(none.stats.generated == 0);
    CHECK(none.stats.prompt_tokens == 1);
    CHECK(none.out.ids.empty());
    CHECK(none.out.text.empty());
    CHECK_THROWS_WITH(generate(s.model, s.tok, limit(1), dense(8), std::vector<int32_t>(9, 1)),
                      Catch::Contains("the prompt is 9 tokens"));
}

TEST_CASE("generation: a cancel flag stops before the next prompt batch or decode step, the text so far delivered",
          "[generation]") {
    SKIP_WITHOUT_SHARED();
    Stories s;
    runtime::RunConfig config = dense();
    config.n_batch = 4;
    std::atomic<bool> cancel{false};
    runtime::GenerationOptions g = limit(20);
    g.cancel = &cancel;
    runtime::Transformer t(s.model, config);
    runtime::Sampler sampler(greedy(), s.model.config().n_vocab);
    runtime::Generator gen(t, s.tok, sampler, g);
    Output out;
    const runtime::GenerationSink sink{[&](std::string_view text) { out.text.append(text); },
                                       [&](int32_t id) {
                                           out.ids.push_back(id);
                                           if (out.ids.size() == 5) cancel = true;
                                       }};
    const std::vector<int32_t> prompt = s.tok.encode("Once upon a time there was", true);
    const runtime::GenerationStats stats = gen.generate(prompt, sink);
    CHECK(stats.stop_reason == "cancelled");
    CHECK(stats.generated == 5);
    CHECK(out.ids == generate(s.model, s.tok, limit(5), config, prompt).out.ids);  // the same first five
    CHECK(out.text == s.tok.decode(out.ids));
    t.reset();
    const runtime::GenerationStats before = gen.generate(prompt, sink);  // still set: not one batch runs
    CHECK(before.stop_reason == "cancelled");
    CHECK(before.generated == 0);
    CHECK(t.n_past() == 0);
}

TEST_CASE("generation: an impossible deadline stops at a named checkpoint, or degrades to gated attention",
          "[generation][deadline]") {
    SKIP_WITHOUT_SHARED();
    Stories s;
    runtime::GenerationOptions g = limit(20);
    g.deadline_ms = 0.001;  // 1 µs: no forward pass gets past its first checkpoint
    const Run stopped = generate(s.model, s.tok, g, dense(), {s.tok.bos()});
    CHECK(stopped.stats.stop_reason == "deadline");
    CHECK(stopped.stats.deadline_misses == 1);
    CHECK(stopped.stats.missed_checkpoint == "candidate_selection");  // the attention kernel's first check
    CHECK(stopped.out.ids.size() == 1);  // the prefill's token; its decode missed
    CHECK(stopped.n_past == 1);          // the missed step left nothing behind

    auto tracking = dense();
    tracking.track_salience = true;
    g.on_deadline = runtime::DeadlinePolicy::Degrade;
    g.degrade_top_k = 8;
    const Run degraded = generate(s.model, s.tok, g, tracking, {s.tok.bos()});
    CHECK(degraded.stats.stop_reason == "n_predict");
    CHECK(degraded.stats.deadline_misses == 5);  // top-k 8, 4, 2, 1, then 0: the floor finishes steps late
    CHECK(degraded.stats.late_steps == degraded.stats.decode_steps);  // every step took more than 1 µs
    CHECK(degraded.stats.decode_steps == 19);
    CHECK(degraded.stats.degraded_top_k == 0);
    CHECK(degraded.attention_after == kernels::AttentionPath::Gated);
    CHECK(degraded.n_past == 20);
    // degraded while the context fits the window: gated == dense
    CHECK(degraded.out.ids == generate(s.model, s.tok, limit(20), dense(), {s.tok.bos()}).out.ids);
}

TEST_CASE("generation: a far deadline changes no token", "[generation][deadline]") {
    SKIP_WITHOUT_SHARED();
    Stories s;
    auto sparse = dense();
    sparse.attention = kernels::AttentionPath::Sparse;
    sparse.sparse.window = 16;
    runtime::GenerationOptions far = limit(60);
    far.deadline_ms = 3.6e6;
    const Run timed = generate(s.model, s.tok, far, sparse, {s.tok.bos()});
    CHECK(timed.stats.deadline_misses == 0);
    CHECK(timed.stats.late_steps == 0);
    CHECK(timed.out.ids == generate(s.model, s.tok, limit(60), sparse, {s.tok.bos()}).out.ids);

    // Under a deadline the output projection runs in slices of rows, checked between them: the same logits.
    runtime::Transformer plain(s.model, sparse), checked(s.model, sparse);
    std::vector<float> expected(static_cast<size_t>(s.model.config().n_vocab)), got(expected.size());
    const kernels::DeadlineTimer far_timer(std::chrono::steady_clock::now() + std::chrono::hours(1));
    for (const int32_t token : {s.tok.bos(), 400, 17, 260}) {
        plain.forward(&token, 1, expected.data());
        checked.control().deadline = &far_timer;
        checked.forward(&token, 1, got.data());
        checked.control().deadline = nullptr;
        REQUIRE(got == expected);
    }
}

TEST_CASE("chat: each turn feeds only the tokens the cache does not hold", "[generation][chat]") {
    SKIP_WITHOUT_SHARED();
    const runtime::Model model = runtime::Model::open(test::shared_path("models/quant/bpe-smollm-Q8_0.gguf"));
    const auto tok = tokenizer::Tokenizer::from_gguf(model.file());
    runtime::Transformer t(model, dense(1024));
    runtime::Sampler sampler(greedy(), model.config().n_vocab);
    runtime::GenerationOptions g;
    g.n_predict = 6;
    runtime::ChatSession chat(t, tok, sampler, g, "You are terse.");
    Output out;
    const auto first = chat.reply("Hello", out.sink());
    const std::string rendered = tok.apply_chat_template({{"system", "You are terse."}, {"user", "Hello"}}, true);
    CHECK(first.prompt_tokens == tok.encode(rendered, true, true).size());
    const int64_t held = t.n_past();
    CHECK(held == static_cast<int64_t>(first.prompt_tokens + first.decode_steps));

    const auto second = chat.reply("And then?", out.sink());
    REQUIRE(chat.history().size() == 5);
    CHECK(chat.history()[2].role == "assistant");
    // The second prompt is the conversation up to the new user turn; all but the tokens the cache holds are fed.
    const std::vector<tokenizer::ChatMessage> asked(chat.history().begin(), chat.history().begin() + 4);
    const size_t conversation = tok.encode(tok.apply_chat_template(asked, true), true, true).size();
    CHECK(second.prompt_tokens == conversation - static_cast<size_t>(held));
}
