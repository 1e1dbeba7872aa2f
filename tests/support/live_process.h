// The sparse-llm executable running while a test talks to it: stdin and stdout are pipes the test writes and
// reads as the program runs (a stream that stays open), and signals can be sent to it.
#pragma once

#include <string>
#include <vector>

#include <sys/types.h>

namespace test {

class LiveProcess {
public:
    // Starts SPARSE_LLM_BIN with the arguments; stderr goes to a temporary file (stderr()).
    explicit LiveProcess(const std::vector<std::string>& args);
    ~LiveProcess();  // kills the program if it still runs
    LiveProcess(const LiveProcess&) = delete;
    LiveProcess& operator=(const LiveProcess&) = delete;

    void write(const std::string& text);
    void close_input();
    // Stops reading stdout, as `| head` does when it has enough: the program's next write finds no reader.
    void close_output();
    // The next line of stdout without its newline; "" with timed_out set when none came within timeout_s.
    std::string read_line(double timeout_s, bool* timed_out);
    void signal(int number);
    // Waits for the exit: the exit code (128 + signal when killed). Reads the rest of stdout into rest().
    int wait();
    const std::string& rest() const { return buffer_; }
    std::string stderr_text() const;

private:
    pid_t pid_ = -1;
    int in_ = -1, out_ = -1;
    std::string err_path_, buffer_;
};

}  // namespace test
