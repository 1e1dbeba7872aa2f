#include "src/decode_batcher.h"

#include <algorithm>

namespace runtime {

DecodeBatcher::DecodeBatcher(unsigned n_threads) : pool_(n_threads) {}

void DecodeBatcher::wait_for_pool(std::unique_lock<std::mutex>& lock) {
    changed_.wait(lock, [&] { return !busy_; });
    busy_ = true;
}

DecodeBatcher::Turn DecodeBatcher::turn(const Transformer& sequence) {
    std::unique_lock<std::mutex> lock(mutex_);
    decoding_.erase(std::remove(decoding_.begin(), decoding_.end(), &sequence), decoding_.end());
    wait_for_pool(lock);
    return Turn(*this);
}

void DecodeBatcher::finish_turn() {
    {
        const std::lock_guard<std::mutex> lock(mutex_);
        busy_ = false;
    }
    changed_.notify_all();
}

void DecodeBatcher::decode(Transformer& sequence, int32_t token, float* logits) {
    std::unique_lock<std::mutex> lock(mutex_);
    Pending mine{{&sequence, token, logits}};
    pending_.push_back(&mine);
    if (std::find(decoding_.begin(), decoding_.end(), &sequence) == decoding_.end()) decoding_.push_back(&sequence);
    changed_.notify_all();  // an executor gathering steps may be waiting for this one
    changed_.wait(lock, [&] { return mine.done || !busy_; });
    if (!mine.done) run_pending(lock);
    if (mine.error) std::rethrow_exception(mine.error);
}

bool DecodeBatcher::all_decoding_arrived() const {
    return std::all_of(decoding_.begin(), decoding_.end(), [&](const Transformer* sequence) {
        return std::any_of(pending_.begin(), pending_.end(), [&](const Pending* p) { return p->request.sequence == sequence; });
    });
}

void DecodeBatcher::run_pending(std::unique_lock<std::mutex>& lock) {
    busy_ = true;
    changed_.wait_until(lock, Clock::now() + gather_window_, [&] { return all_decoding_arrived(); });
    running_.clear();
    running_.swap(pending_);
    batch_.clear();
    decoding_.clear();
    for (const Pending* p : running_) {
        batch_.push_back(p->request);
        decoding_.push_back(p->request.sequence);
    }
    lock.unlock();

    std::exception_ptr error;
    const Clock::time_point start = Clock::now();
    try {
        Transformer::decode_batch(batch_.data(), batch_.size(), logits_rows_);
    } catch (...) {
        error = std::current_exception();
    }
    const Clock::duration took = Clock::now() - start;

    lock.lock();
    gather_window_ = took / 2;
    ++stats_.steps;
    stats_.rows += running_.size();
    for (Pending* p : running_) p->done = true, p->error = error;
    busy_ = false;
    changed_.notify_all();
}

size_t DecodeBatcher::waiting() const {
    const std::lock_guard<std::mutex> lock(mutex_);
    return pending_.size();
}

DecodeBatcher::Stats DecodeBatcher::stats() const {
    const std::lock_guard<std::mutex> lock(mutex_);
    return stats_;
}

}  // namespace runtime
