// What GET /metrics reports, in Prometheus' text format: requests by outcome, tokens, decode speed, deadline
// misses (counters, updated by the request threads), batched decode passes, and the queue and slots in use now
// (gauges).
#pragma once

#include <atomic>
#include <cstdint>
#include <string>

#include "src/decode_batcher.h"

namespace serve {

struct ServerMetrics {
    std::atomic<uint64_t> requests{0};            // answered with a completion
    std::atomic<uint64_t> refused{0};             // 4xx: malformed, unauthorised, too long
    std::atomic<uint64_t> busy{0};                // 503: slots and queue full
    std::atomic<uint64_t> disconnected{0};        // streams whose client went away
    std::atomic<uint64_t> prompt_tokens{0};
    std::atomic<uint64_t> generated_tokens{0};
    std::atomic<uint64_t> decode_microseconds{0};
    std::atomic<uint64_t> deadline_misses{0};

    // The text of /metrics, with the gauges and the batcher's counters given.
    std::string prometheus(size_t queue_depth, size_t slots_busy, size_t slots,
                           const runtime::DecodeBatcher::Stats& batches) const;
};

}  // namespace serve
