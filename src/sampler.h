// Choosing the next token from the logits, as llama.cpp's default sampler chain does it:
//   repetition penalty -> top-k -> top-p -> min-p -> temperature -> draw
// or greedy (temperature <= 0): the argmax after the penalty, ties to the lowest id.
//
// - Repetition penalty (llama.cpp's): every distinct token among the last `repeat_last_n` accepted ones has
//   its logit divided by `repeat_penalty` when positive, multiplied when negative (once, however often it
//   occurred). 1 = off.
// - top-k keeps the k best (0 = off); top-p keeps the shortest best-first prefix whose probability (softmax of
//   the logits) reaches p (>= 1 = off); min-p keeps tokens with probability >= min_p * the best one's
//   (0 = off). At least one token always stays. Ties in the ordering go to the lower id.
// - The draw uses softmax(logit / temperature) over what is kept, with runtime::Rng seeded by `seed`. With no
//   filter at all (top-k 0, top-p 1, min-p 0: OpenAI's sampling) nothing is sorted: the best token first, then
//   the vocabulary's order, an O(n_vocab) step instead of a sort of 49152 candidates per token.
// Nothing allocates per token: buffers are sized for the vocabulary once.
#pragma once

#include <cstdint>
#include <vector>

#include "src/rng.h"

namespace runtime {

struct SamplerParams {
    float temperature = 0.8f;
    int32_t top_k = 40;
    float top_p = 0.95f;
    float min_p = 0.05f;
    float repeat_penalty = 1.0f;
    int32_t repeat_last_n = 64;
    uint64_t seed = 0;

    bool greedy() const { return temperature <= 0.0f; }
};

class Sampler {
public:
    struct Candidate {
        int32_t id;
        float logit;
        float p;  // probability after the filters, at the sampling temperature
    };

    // Throws runtime::Error for parameters out of range (negative top_k, top_p or min_p outside [0, 1],
    // repeat_penalty <= 0, n_vocab < 1).
    Sampler(const SamplerParams& params, int64_t n_vocab);

    const SamplerParams& params() const { return params_; }

    // Chooses a token from n_vocab logits. Applies the repetition penalty to `logits` in place.
    int32_t sample(float* logits);
    // Records a token (prompt or generated) in the repetition window.
    void accept(int32_t token);
    // Forgets the accepted tokens (not the random stream).
    void reset_history();

    // The filtered candidates of sample(), best first, with the probabilities the draw uses (for tests and
    // --verbose). Applies the penalty to `logits` like sample().
    const std::vector<Candidate>& filter(float* logits);

private:
    void apply_penalty(float* logits);
    void keep_top_k(size_t k);
    void keep_top_p();
    void keep_min_p();
    void normalise(float temperature);

    SamplerParams params_;
    int64_t n_vocab_;
    Rng rng_;
    std::vector<Candidate> candidates_;   // capacity n_vocab
    std::vector<int32_t> recent_;         // ring of the last repeat_last_n accepted tokens
    size_t recent_next_ = 0;
    size_t recent_count_ = 0;
    std::vector<uint16_t> recent_uses_;   // per token id: occurrences inside the ring
    static constexpr uint16_t kVisited = 0x8000;
};

// Index of the largest of n values; the lowest index on ties.
int32_t argmax(const float* x, int64_t n);

}  // namespace runtime
