#include "kernels/common/cpu_demand.h"

#include <cstdlib>
#include <cstring>

#include <fcntl.h>
#include <sched.h>
#include <unistd.h>

namespace kernels {

int runnable_threads() {
    // "0.52 0.58 0.59 3/467 12345": the fourth field is runnable/all scheduling entities.
    const int fd = ::open("/proc/loadavg", O_RDONLY | O_CLOEXEC);
    if (fd < 0) return -1;
    char text[128];
    const ssize_t n = ::read(fd, text, sizeof text - 1);
    ::close(fd);
    if (n <= 0) return -1;
    text[n] = '\0';
    const char* field = text;
    for (int spaces = 0; spaces < 3; ++spaces) {
        field = std::strchr(field, ' ');
        if (!field) return -1;
        ++field;
    }
    char* end = nullptr;
    const long runnable = std::strtol(field, &end, 10);
    return end != field && *end == '/' && runnable >= 0 && runnable < (1L << 20) ? static_cast<int>(runnable) : -1;
}

unsigned usable_cpus() {
    cpu_set_t set;
    if (sched_getaffinity(0, sizeof set, &set) != 0) return 1;
    const int count = CPU_COUNT(&set);
    return count > 0 ? static_cast<unsigned>(count) : 1;
}

}  // namespace kernels
