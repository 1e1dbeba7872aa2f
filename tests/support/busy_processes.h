// Other processes that keep the CPU busy while a test runs, as the services of a board do: n children that
// spin until the object is destroyed.
#pragma once

#include <csignal>
#include <vector>

#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

namespace test {

class BusyProcesses {
public:
    explicit BusyProcesses(unsigned n) {
        for (unsigned i = 0; i < n; ++i) {
            const pid_t pid = ::fork();
            if (pid == 0)
                for (volatile unsigned long spin = 0;; ++spin) {
                }
            if (pid > 0) children_.push_back(pid);
        }
    }
    ~BusyProcesses() {
        for (pid_t pid : children_) ::kill(pid, SIGKILL);
        for (pid_t pid : children_) ::waitpid(pid, nullptr, 0);
    }
    BusyProcesses(const BusyProcesses&) = delete;
    BusyProcesses& operator=(const BusyProcesses&) = delete;

private:
    std::vector<pid_t> children_;
};

}  // namespace test
