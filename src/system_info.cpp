#include "src/system_info.h"

#include <sys/resource.h>
#include <sys/utsname.h>

#include <cstdlib>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
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

// The first "key : value" line of /proc/cpuinfo for each key (the first core's), values trimmed.
std::map<std::string, std::string> cpuinfo_fields(const std::string& text) {
    auto trim = [](std::string v) {
        const size_t begin = v.find_first_not_of(" \t");
        const size_t end = v.find_last_not_of(" \t\r");
        return begin == std::string::npos ? std::string() : v.substr(begin, end - begin + 1);
    };
    std::map<std::string, std::string> fields;
    std::istringstream lines(text);
    std::string line;
    while (std::getline(lines, line)) {
        const size_t colon = line.find(':');
        if (colon != std::string::npos) fields.emplace(trim(line.substr(0, colon)), trim(line.substr(colon + 1)));
    }
    return fields;
}

// Arm Ltd's (implementer 0x41) cores that run this program on the boards we aim at, and their neighbours.
const char* arm_core_name(unsigned long part) {
    switch (part) {
        case 0xd03: return "Arm Cortex-A53";
        case 0xd04: return "Arm Cortex-A35";
        case 0xd05: return "Arm Cortex-A55";
        case 0xd07: return "Arm Cortex-A57";
        case 0xd08: return "Arm Cortex-A72";
        case 0xd09: return "Arm Cortex-A73";
        case 0xd0a: return "Arm Cortex-A75";
        case 0xd0b: return "Arm Cortex-A76";
        case 0xd0c: return "Arm Neoverse-N1";
        case 0xd0d: return "Arm Cortex-A77";
        case 0xd40: return "Arm Neoverse-V1";
        case 0xd41: return "Arm Cortex-A78";
        case 0xd49: return "Arm Neoverse-N2";
        default: return nullptr;
    }
}

}  // namespace

std::string cpu_model_from_cpuinfo(const std::string& cpuinfo) {
    const auto fields = cpuinfo_fields(cpuinfo);
    auto field = [&](const char* key) {
        const auto it = fields.find(key);
        return it == fields.end() ? std::string() : it->second;
    };
    if (!field("model name").empty()) return field("model name");
    std::string core;
    const std::string implementer = field("CPU implementer"), part = field("CPU part");
    if (!part.empty()) {
        const char* name = implementer == "0x41" ? arm_core_name(std::strtoul(part.c_str(), nullptr, 16)) : nullptr;
        core = name ? name : "CPU implementer " + implementer + ", part " + part;
    }
    const std::string board = field("Model");
    if (board.empty() || core.empty()) return board + core;
    return board + ", " + core;
}

std::string cpu_model() {
    std::ifstream in("/proc/cpuinfo");
    std::ostringstream text;
    text << in.rdbuf();
    const std::string model = cpu_model_from_cpuinfo(text.str());
    return model.empty() ? "unknown" : model;
}

std::string machine_architecture() {
    utsname names{};
    return uname(&names) == 0 ? names.machine : "unknown";
}

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

uint64_t machine_memory_bytes() {
    std::ifstream meminfo("/proc/meminfo");
    for (std::string line; std::getline(meminfo, line);)
        if (line.rfind("MemTotal:", 0) == 0) return std::strtoull(line.c_str() + 9, nullptr, 10) * 1024;
    return 0;
}

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
