// The server's slots: `--parallel N` transformers over the one loaded model, each with its own KV cache (paged:
// memory follows the tokens it holds), and a bounded queue of requests waiting for one. A request leases a
// slot for as long as it generates; beyond the slots and the queue it is refused with 503 at once.
// Batched (the default), the slots share one thread pool of config.n_threads and their decode steps run
// together (src/decode_batcher.h); else each has a pool of its own and they run side by side.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <memory>
#include <mutex>
#include <vector>

#include "src/decode_batcher.h"
#include "src/transformer.h"

namespace serve {

class SlotPool {
public:
    SlotPool(const runtime::Model& model, const runtime::RunConfig& config, size_t slots, size_t queue_capacity,
             bool batched);

    // A slot held until destruction, its transformer emptied for the request.
    class Lease {
    public:
        Lease(SlotPool& pool, size_t slot) : pool_(&pool), slot_(slot) {}
        Lease(Lease&& other) noexcept : pool_(other.pool_), slot_(other.slot_) { other.pool_ = nullptr; }
        Lease& operator=(Lease&&) = delete;
        ~Lease();
        runtime::Transformer& transformer() const { return *pool_->transformers_[slot_]; }

    private:
        SlotPool* pool_;
        size_t slot_;
    };

    // A free slot, after waiting in the queue when none is; throws RequestError 503 when the queue is full.
    Lease acquire();

    size_t size() const { return transformers_.size(); }
    size_t busy() const;
    size_t waiting() const;
    // The batched passes so far (zero when not batched).
    runtime::DecodeBatcher::Stats decode_batches() const;

private:
    void release(size_t slot);

    std::unique_ptr<runtime::DecodeBatcher> batcher_;  // before the transformers, which use it
    std::vector<std::unique_ptr<runtime::Transformer>> transformers_;
    std::vector<bool> taken_;
    size_t queue_capacity_;
    size_t waiting_ = 0;
    mutable std::mutex mutex_;
    std::condition_variable freed_;
};

}  // namespace serve
