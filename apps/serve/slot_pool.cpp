#include "apps/serve/slot_pool.h"

#include <algorithm>

#include "apps/serve/serve_error.h"

namespace serve {

SlotPool::SlotPool(const runtime::Model& model, const runtime::RunConfig& config, size_t slots, size_t queue_capacity,
                   bool batched)
    : batcher_(batched ? std::make_unique<runtime::DecodeBatcher>(config.n_threads) : nullptr), taken_(slots, false),
      queue_capacity_(queue_capacity) {
    for (size_t i = 0; i < slots; ++i)
        transformers_.push_back(std::make_unique<runtime::Transformer>(model, config, batcher_.get()));
}

SlotPool::Lease::~Lease() {
    if (pool_) pool_->release(slot_);
}

SlotPool::Lease SlotPool::acquire() {
    std::unique_lock<std::mutex> lock(mutex_);
    auto free_slot = [&] { return std::find(taken_.begin(), taken_.end(), false); };
    if (free_slot() == taken_.end()) {
        if (waiting_ >= queue_capacity_)
            throw RequestError(503, "every slot is busy and the queue is full: retry later", "", "server_busy");
        ++waiting_;
        freed_.wait(lock, [&] { return free_slot() != taken_.end(); });
        --waiting_;
    }
    const size_t slot = static_cast<size_t>(free_slot() - taken_.begin());
    taken_[slot] = true;
    lock.unlock();
    transformers_[slot]->reset();
    return Lease(*this, slot);
}

void SlotPool::release(size_t slot) {
    {
        const std::lock_guard<std::mutex> lock(mutex_);
        taken_[slot] = false;
    }
    freed_.notify_one();
}

size_t SlotPool::busy() const {
    const std::lock_guard<std::mutex> lock(mutex_);
    return static_cast<size_t>(std::count(taken_.begin(), taken_.end(), true));
}

runtime::DecodeBatcher::Stats SlotPool::decode_batches() const {
    return batcher_ ? batcher_->stats() : runtime::DecodeBatcher::Stats{};
}

size_t SlotPool::waiting() const {
    const std::lock_guard<std::mutex> lock(mutex_);
    return waiting_;
}

}  // namespace serve
