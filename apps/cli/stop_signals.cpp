#include "apps/cli/stop_signals.h"

namespace cli {
namespace {

std::atomic<bool> stop_requested{false};
std::atomic<int> stop_signal{0};
static_assert(std::atomic<bool>::is_always_lock_free && std::atomic<int>::is_always_lock_free,
              "the handler may only touch lock-free atomics");

void on_stop_signal(int number) {
    stop_signal.store(number);
    stop_requested.store(true);
}

}  // namespace

StopSignals::StopSignals() {
    stop_requested = false;
    stop_signal = 0;
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

int StopSignals::exit_code() { return stop_requested.load() ? 128 + stop_signal.load() : 0; }

}  // namespace cli
