// The summariser's input, read as a stream: a file or standard input, a few KiB at a time as it arrives, with a
// time limit on each wait, so a pipe that never closes (`tail -f log | ...`) is summarised as it is written
// and the caller can flush on time and stop on a signal in between. Nothing is held here: the bytes go to
// the caller.
#pragma once

#include <string>

namespace summarise {

class InputStream {
public:
    // Standard input ("-"), or the file at `path`. Throws summarise::Error "cannot read input file 'P': ...".
    static InputStream open(const std::string& path);
    ~InputStream();
    InputStream(InputStream&& other) noexcept;
    InputStream& operator=(InputStream&&) = delete;

    enum class Status { Data, Timeout, End, Interrupted };
    // Waits up to timeout_ms (-1: without limit) for input and appends what one read gives (at most 64 KiB)
    // to `out`: Data; Timeout when none came in time; End at the end of input; Interrupted when a signal
    // arrived while waiting. Throws summarise::Error naming the input for a read that fails.
    Status read_some(std::string& out, int timeout_ms);

private:
    InputStream(int fd, std::string name, bool owned) : fd_(fd), name_(std::move(name)), owned_(owned) {}

    int fd_;
    std::string name_;  // "standard input" or "input file 'P'"
    bool owned_;
};

}  // namespace summarise
