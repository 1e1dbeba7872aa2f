#include "support/live_process.h"

#include <chrono>
#include <csignal>
#include <cstdlib>
#include <stdexcept>

#include <fcntl.h>
#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

#include "support/file_bytes.h"

namespace test {

LiveProcess::LiveProcess(const std::vector<std::string>& args) {
    char err_name[] = "/tmp/sparse-llm-live-XXXXXX";
    const int err = ::mkstemp(err_name);
    int to_child[2], from_child[2];
    if (err < 0 || ::pipe(to_child) != 0 || ::pipe(from_child) != 0) throw std::runtime_error("cannot make pipes");
    err_path_ = err_name;
    std::vector<std::string> argv_strings{SPARSE_LLM_BIN};
    argv_strings.insert(argv_strings.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (std::string& a : argv_strings) argv.push_back(a.data());
    argv.push_back(nullptr);
    pid_ = ::fork();
    if (pid_ < 0) throw std::runtime_error("fork failed");
    if (pid_ == 0) {
        ::dup2(to_child[0], 0);
        ::dup2(from_child[1], 1);
        ::dup2(err, 2);
        for (int fd : {to_child[0], to_child[1], from_child[0], from_child[1], err}) ::close(fd);
        ::execv(argv[0], argv.data());
        std::_Exit(127);
    }
    ::close(to_child[0]);
    ::close(from_child[1]);
    ::close(err);
    in_ = to_child[1];
    out_ = from_child[0];
    ::signal(SIGPIPE, SIG_IGN);  // a write to a program that exited is an error, not the test's end
}

LiveProcess::~LiveProcess() {
    if (pid_ > 0) {
        ::kill(pid_, SIGKILL);
        ::waitpid(pid_, nullptr, 0);
    }
    if (in_ >= 0) ::close(in_);
    if (out_ >= 0) ::close(out_);
    ::unlink(err_path_.c_str());
}

void LiveProcess::write(const std::string& text) {
    size_t done = 0;
    while (done < text.size()) {
        const ssize_t n = ::write(in_, text.data() + done, text.size() - done);
        if (n <= 0) throw std::runtime_error("cannot write to the program's stdin");
        done += static_cast<size_t>(n);
    }
}

void LiveProcess::close_input() {
    ::close(in_);
    in_ = -1;
}

std::string LiveProcess::read_line(double timeout_s, bool* timed_out) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(timeout_s);
    for (;;) {
        const size_t newline = buffer_.find('\n');
        if (newline != std::string::npos) {
            std::string line = buffer_.substr(0, newline);
            buffer_.erase(0, newline + 1);
            *timed_out = false;
            return line;
        }
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
        pollfd p{out_, POLLIN, 0};
        char chunk[4096];
        const ssize_t n = left.count() > 0 && ::poll(&p, 1, static_cast<int>(left.count())) > 0
                              ? ::read(out_, chunk, sizeof chunk) : 0;
        if (n <= 0) {
            *timed_out = true;
            return "";
        }
        buffer_.append(chunk, static_cast<size_t>(n));
    }
}

void LiveProcess::close_output() {
    ::close(out_);
    out_ = -1;
}

void LiveProcess::signal(int number) { ::kill(pid_, number); }

int LiveProcess::wait() {
    char chunk[4096];
    for (ssize_t n; out_ >= 0 && (n = ::read(out_, chunk, sizeof chunk)) > 0;)
        buffer_.append(chunk, static_cast<size_t>(n));
    int status = 0;
    ::waitpid(pid_, &status, 0);
    pid_ = -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

std::string LiveProcess::stderr_text() const { return read_bytes(err_path_); }

}  // namespace test
