#include "apps/cli/stop_signals.h"

namespace cli {
namespace {

std::atomic<bool> stop_requested{false};
static_assert(std::atomic<bool>::is_always_lock_free, "the handler may only touch lock-free atomics");

void on_stop_signal(int) { stop_requested.store(true); }

}  // namespace

StopSignals::StopSignals() {
    stop_requested = false;
    struct sigaction action {};
    action.sa_handler = on_stop_signal;
    sigemptyset(&action.sa_mask);
    action.sa_flags = 0;  // no SA_RESTART: a blocked read or poll returns with EINTR
    sigaction(SIGINT, &action, &previous_int_);
    sigaction(SIGTERM, &action, &previous_term_);
}

StopSignals::~StopSignals() {
    sigaction(SIGINT, &previous_int_, nullptr);
    sigaction(SIGTERM, &previous_term_, nullptr);
}

const std::atomic<bool>& StopSignals::requested() { return stop_requested; }

}  // namespace cli
