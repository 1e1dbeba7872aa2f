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
// Lowers the peak to the current RSS (Linux >= 4.0: "5" to /proc/self/clear_refs), so that peak_rss_bytes()
// measures from here on. False when the system does not allow it (the peak then stays the process's).
bool reset_peak_rss();

}  // namespace runtime
