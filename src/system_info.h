// What the runtime reports about the machine and the process: physical cores (the default thread count) and
// peak resident memory.
#pragma once

#include <cstdint>

namespace runtime {

// Distinct (package, core) pairs under /sys/devices/system/cpu; std::thread::hardware_concurrency() when
// that is unreadable; at least 1.
unsigned physical_cores();

// Peak resident set size of this process in bytes (VmHWM, else getrusage), 0 when unknown.
uint64_t peak_rss_bytes();
// Resident set size now (VmRSS), 0 when unknown.
uint64_t current_rss_bytes();

}  // namespace runtime
