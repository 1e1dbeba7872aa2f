// SIGINT and SIGTERM as a request to stop, for commands that generate or run until their input ends: while a
// StopSignals lives, either signal sets a flag instead of killing the process; the command's loops check it
// (a blocking read or poll returns early with EINTR, and runtime::GenerationOptions::cancel can point to it),
// finish what they must print and exit. Destruction restores the previous handlers. One at a time.
#pragma once

#include <atomic>
#include <csignal>

namespace cli {

class StopSignals {
public:
    StopSignals();
    ~StopSignals();
    StopSignals(const StopSignals&) = delete;
    StopSignals& operator=(const StopSignals&) = delete;

    // True once SIGINT or SIGTERM arrived.
    static const std::atomic<bool>& requested();
    // The exit code a shell expects after it: 128 + the signal (130, 143); 0 when none came.
    static int exit_code();

private:
    struct sigaction previous_int_ {}, previous_term_ {};
};

}  // namespace cli
