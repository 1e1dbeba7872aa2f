#include "apps/serve/server_metrics.h"

#include <fmt/format.h>

namespace serve {
namespace {

void add(std::string& out, const char* name, const char* type, const char* help, double value) {
    out += fmt::format("# HELP sparse_llm_{0} {1}\n# TYPE sparse_llm_{0} {2}\nsparse_llm_{0} {3}\n", name, help, type, value);
}

}  // namespace

std::string ServerMetrics::prometheus(size_t queue_depth, size_t slots_busy, size_t slots,
                                      const runtime::DecodeBatcher::Stats& batches) const {
    std::string out;
    add(out, "requests_total", "counter", "Requests answered with a completion.", requests.load());
    add(out, "requests_refused_total", "counter", "Requests refused as malformed, unauthorised or too long (4xx).",
        refused.load());
    add(out, "requests_busy_total", "counter", "Requests refused because every slot and the queue were taken (503).",
        busy.load());
    add(out, "requests_disconnected_total", "counter", "Streams whose client went away before the end.",
        disconnected.load());
    add(out, "prompt_tokens_total", "counter", "Prompt tokens evaluated.", prompt_tokens.load());
    add(out, "generated_tokens_total", "counter", "Tokens generated.", generated_tokens.load());
    const double decode_s = decode_microseconds.load() / 1e6;
    add(out, "decode_seconds_total", "counter", "Time spent in decode steps.", decode_s);
    add(out, "decode_tokens_per_second", "gauge", "Generated tokens per second of decoding, since the start.",
        decode_s > 0 ? generated_tokens.load() / decode_s : 0.0);
    add(out, "deadline_misses_total", "counter", "Decode steps that missed their deadline.", deadline_misses.load());
    add(out, "batched_decode_passes_total", "counter", "Forward passes that decoded the slots' tokens together.",
        static_cast<double>(batches.steps));
    add(out, "batched_decode_tokens_total", "counter", "Tokens decoded by those passes (tokens / passes: the mean batch).",
        static_cast<double>(batches.rows));
    add(out, "queue_depth", "gauge", "Requests waiting for a slot.", static_cast<double>(queue_depth));
    add(out, "slots_busy", "gauge", "Slots (each with its KV cache) generating now.", static_cast<double>(slots_busy));
    add(out, "slots", "gauge", "Slots (--parallel).", static_cast<double>(slots));
    return out;
}

}  // namespace serve
