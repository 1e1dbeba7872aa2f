// What else wants the CPU: the thread pool runs fewer workers while other processes keep the cores busy.
#pragma once

namespace kernels {

// Threads running or waiting to run on the whole system right now (Linux's /proc/loadavg), the caller
// included; -1 where that is not known.
int runnable_threads();

// CPUs this process may run on (its affinity mask); at least 1.
unsigned usable_cpus();

}  // namespace kernels
