// The generation loop: prefill the prompt, then sample and decode one token at a time until an
// end-of-generation token, a stop string, the token limit, a full context or a missed deadline.
//
//   runtime::Generator gen(transformer, tokenizer, sampler, options);
//   const runtime::GenerationStats stats = gen.generate(prompt_ids, {print_text, print_id});
//
// Text streams out through the tokenizer's UTF-8-safe StreamDecoder and the stop-string filter, so what the
// sink receives is never a cut character nor any part of a stop string.
//
// Deadlines (--deadline-ms): every decode step gets a kernels::DeadlineTimer; the forward pass checks it at
// its checkpoints (kernel: candidate_selection, dot_product, softmax; runtime: o_proj, ffn, logits) and a
// miss rolls the step back (the KV caches keep whole rows only). Policy Stop ends the generation there;
// Degrade switches attention to the gated path with `degrade_top_k` salient tokens, halving it on every
// further miss, and recomputes the step; at top-k 0 the step finishes late rather than fail again.
//
// Cancelling (a signal handler sets GenerationOptions::cancel): the loop stops before the next prompt batch
// or decode step, with stop_reason "cancelled"; the text sampled so far has reached the sink.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "kernels/attention/deadline.h"
#include "src/sampler.h"
#include "src/transformer.h"
#include "tokenizer/tokenizer.h"

namespace runtime {

enum class DeadlinePolicy { Stop, Degrade };
// "stop", "degrade" (`--on-deadline`); throws runtime::Error naming another value.
DeadlinePolicy parse_deadline_policy(const std::string& name);

struct GenerationOptions {
    int64_t n_predict = 128;         // tokens to generate; -1: until end of generation (or forever)
    std::vector<std::string> stop;   // stop strings
    bool ignore_eos = false;         // end-of-generation tokens are never sampled
    double deadline_ms = 0;          // per decode step; 0: none
    DeadlinePolicy on_deadline = DeadlinePolicy::Stop;
    size_t degrade_top_k = 32;       // gated top-k after the first miss
    const std::atomic<bool>* cancel = nullptr;  // when set and true: stop at the next step
};

struct GenerationStats {
    size_t prompt_tokens = 0;
    double prompt_ms = 0;
    size_t generated = 0;            // tokens sampled (an end-of-generation token included)
    size_t decode_steps = 0;         // one-token forward passes
    double decode_ms = 0;
    double first_token_ms = 0;       // from the start of the prompt to the first sampled token
    size_t deadline_misses = 0;      // checkpoints that found the deadline passed (each rolls its step back)
    size_t late_steps = 0;           // decode steps that took longer than the deadline, retries included
    std::string missed_checkpoint;   // where the last miss was detected
    // Over the attempts that ran under the deadline (a degraded step at the floor runs without): how far the
    // worst ended past the deadline (0: none late), and the longest time between two checkpoints.
    double worst_overrun_ms = 0;
    double longest_checkpoint_interval_ms = 0;
    int64_t degraded_top_k = -1;     // the gated top-k the degrade policy ended at; -1: never degraded
    std::string stop_reason;         // "eog", "stop", "n_predict", "context", "deadline", "cancelled"
};

struct GenerationSink {
    std::function<void(std::string_view)> text;  // printable text, as soon as it is ready
    std::function<void(int32_t)> token;          // every sampled id, an end-of-generation one included
};

class Generator {
public:
    Generator(Transformer& transformer, const tokenizer::Tokenizer& tokenizer, Sampler& sampler,
              GenerationOptions options);

    // Feeds `prompt` after whatever the transformer already holds, then generates. Throws runtime::Error
    // when the prompt is empty or does not fit the context (before anything runs). Cancelled during the
    // prompt, the transformer holds the batches fed so far.
    GenerationStats generate(const std::vector<int32_t>& prompt, const GenerationSink& sink);

private:
    // One decode step of `token` under the deadline policy; false when the policy stops generation.
    bool decode(int32_t token, GenerationStats& stats);
    // Under ignore_eos: no end-of-generation token can be sampled from logits_.
    void suppress_end_of_generation();
    bool cancelled() const { return options_.cancel && options_.cancel->load(std::memory_order_relaxed); }
    void degrade(GenerationStats& stats, const kernels::DeadlineExceeded& miss);
    // Folds an attempt that ran under the deadline for elapsed_ms ("done", or the checkpoint that missed) into
    // the stats.
    void note_timed_attempt(GenerationStats& stats, double elapsed_ms, const kernels::DeadlineTimer& timer,
                            const char* outcome);

    Transformer& transformer_;
    const tokenizer::Tokenizer& tokenizer_;
    Sampler& sampler_;
    GenerationOptions options_;
    std::vector<float> logits_;
};

}  // namespace runtime
