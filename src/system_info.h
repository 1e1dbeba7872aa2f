// What the runtime reports about the machine and the process: the CPU's name, physical cores (the default
// thread count) and peak resident memory.
#pragma once

#include <cstdint>
#include <string>

namespace runtime {

// Distinct (package, core) pairs under /sys/devices/system/cpu; std::thread::hardware_concurrency() when
// that is unreadable; at least 1.
unsigned physical_cores();

// The CPU's name from the text of /proc/cpuinfo: its "model name" (x86), else the core named by "CPU
// implementer" and "CPU part" (Arm's cores: "Arm Cortex-A76"; others "CPU implementer 0x.., part 0x..") with
// the board's "Model" line before it ("Raspberry Pi 5 Model B Rev 1.0, Arm Cortex-A76"); "" when it has none.
std::string cpu_model_from_cpuinfo(const std::string& cpuinfo);
// cpu_model_from_cpuinfo of this machine's /proc/cpuinfo; "unknown" when unreadable or empty.
std::string cpu_model();
// The machine's architecture as the kernel names it (uname -m: "x86_64", "aarch64").
std::string machine_architecture();

// The machine's memory (MemTotal of /proc/meminfo), 0 when unknown.
uint64_t machine_memory_bytes();
// Peak resident set size of this process in bytes (VmHWM, else getrusage), 0 when unknown.
uint64_t peak_rss_bytes();
// Resident set size now (VmRSS), 0 when unknown.
uint64_t current_rss_bytes();
// Lowers the peak to the current RSS (Linux >= 4.0: "5" to /proc/self/clear_refs), so that peak_rss_bytes()
// measures from here on. False when the system does not allow it (the peak then stays the process's).
bool reset_peak_rss();

}  // namespace runtime
