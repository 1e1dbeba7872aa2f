#include "src/system_info.h"

#include <sys/resource.h>

#include <fstream>
#include <set>
#include <string>
#include <thread>
#include <utility>

namespace runtime {
namespace {

bool read_number(const std::string& path, long& out) {
    std::ifstream in(path);
    return static_cast<bool>(in >> out);
}

// A "Key: N kB" line of /proc/self/status in bytes; 0 when absent.
uint64_t status_kb(const std::string& wanted) {
    std::ifstream status("/proc/self/status");
    std::string key;
    while (status >> key) {
        if (key == wanted) {
            uint64_t kb = 0;
            status >> kb;
            return kb * 1024;
        }
        status.ignore(1 << 16, '\n');
    }
    return 0;
}

}  // namespace

unsigned physical_cores() {
    std::set<std::pair<long, long>> cores;
    for (int cpu = 0; cpu < 4096; ++cpu) {
        const std::string topology = "/sys/devices/system/cpu/cpu" + std::to_string(cpu) + "/topology/";
        long package = 0, core = 0;
        if (!read_number(topology + "core_id", core)) break;
        read_number(topology + "physical_package_id", package);
        cores.emplace(package, core);
    }
    if (!cores.empty()) return static_cast<unsigned>(cores.size());
    const unsigned logical = std::thread::hardware_concurrency();
    return logical > 0 ? logical : 1;
}

uint64_t current_rss_bytes() { return status_kb("VmRSS:"); }

bool reset_peak_rss() {
    std::ofstream clear("/proc/self/clear_refs");
    clear << "5";
    clear.close();
    return static_cast<bool>(clear);
}

uint64_t peak_rss_bytes() {
    if (const uint64_t hwm = status_kb("VmHWM:")) return hwm;
    rusage usage{};
    if (getrusage(RUSAGE_SELF, &usage) == 0) return static_cast<uint64_t>(usage.ru_maxrss) * 1024;
    return 0;
}

}  // namespace runtime
