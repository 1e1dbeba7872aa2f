// Transformers of one model decoding at once, on threads of their own (the server's slots): they share one
// thread pool and take turns, one forward pass at a time, and the single-token decode steps that arrive
// together run as one batched pass (Transformer::decode_batch), which reads every weight once for all of them.
//
//   runtime::DecodeBatcher batcher(n_threads);
//   runtime::Transformer a(model, config, &batcher), b(model, config, &batcher);
//   // threads generating on a and b: their forward() calls go through the batcher
//
// A step is run by the first caller that finds the pool free. Before it runs, it waits for the sequences
// that decoded in the previous step to come back with their next token, but at most half as long as that
// step took: a sequence still sampling, or writing to a slow client, is left to a later step and no longer
// waited for until it decodes again. Prompts, and decode steps under a deadline (timed alone), take a turn of
// their own.
#pragma once

#include <condition_variable>
#include <chrono>
#include <cstdint>
#include <exception>
#include <mutex>
#include <vector>

#include "kernels/common/thread_pool.h"
#include "src/transformer.h"

namespace runtime {

class DecodeBatcher {
public:
    explicit DecodeBatcher(unsigned n_threads);

    kernels::ThreadPool& pool() { return pool_; }

    // The pool, held until destruction for one transformer's forward pass.
    class Turn {
    public:
        explicit Turn(DecodeBatcher& batcher) : batcher_(batcher) {}
        Turn(const Turn&) = delete;
        Turn& operator=(const Turn&) = delete;
        ~Turn() { batcher_.finish_turn(); }

    private:
        DecodeBatcher& batcher_;
    };
    // Waits for the pool; `sequence` is no longer waited for by batched steps until it decodes again.
    [[nodiscard]] Turn turn(const Transformer& sequence);

    // sequence.forward(&token, 1, logits), batched with the other sequences' decode steps.
    void decode(Transformer& sequence, int32_t token, float* logits);

    size_t waiting() const;  // decode steps waiting for a pass

    struct Stats {
        uint64_t steps = 0;  // batched passes run
        uint64_t rows = 0;   // tokens decoded by them
    };
    Stats stats() const;

private:
    using Clock = std::chrono::steady_clock;
    struct Pending {
        DecodeRequest request;
        bool done = false;
        std::exception_ptr error;
    };

    void wait_for_pool(std::unique_lock<std::mutex>& lock);
    void finish_turn();
    // The executor's part of decode(): gathers the waiting steps, runs them, hands out the results.
    void run_pending(std::unique_lock<std::mutex>& lock);
    bool all_decoding_arrived() const;

    kernels::ThreadPool pool_;
    mutable std::mutex mutex_;
    std::condition_variable changed_;
    bool busy_ = false;                   // a forward pass holds the pool
    std::vector<Pending*> pending_;       // decode steps waiting for a pass
    std::vector<const Transformer*> decoding_;  // the sequences a step waits for
    Clock::duration gather_window_{};     // half the last batched pass
    std::vector<Pending*> running_;       // the pass being run (its buffer and pending_'s trade places)
    std::vector<DecodeRequest> batch_;
    std::vector<float> logits_rows_;
    Stats stats_;
};

}  // namespace runtime
