#include "apps/cli/text_input.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <iostream>

#include <fcntl.h>
#include <unistd.h>

#include <fmt/format.h>

#include "apps/cli/cli_error.h"
#include "apps/cli/printable.h"

namespace cli {

namespace {

// Everything `fd` holds up to the cap; `name` says what it is in errors.
std::string read_all(int fd, const std::string& name) {
    std::string text;
    char buffer[1 << 16];
    for (;;) {
        const ssize_t n = ::read(fd, buffer, sizeof buffer);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) throw Error(fmt::format("cannot read {}: {}", name, std::strerror(errno)));
        if (n == 0) return text;
        if (text.size() + static_cast<size_t>(n) > kMaxTextInputBytes)
            throw Error(fmt::format("cannot read {}: larger than {} MiB", name, kMaxTextInputBytes >> 20));
        text.append(buffer, static_cast<size_t>(n));
    }
}

// Closes the descriptor on every path out.
struct Descriptor {
    int fd;
    ~Descriptor() { ::close(fd); }
};

}  // namespace

std::string read_text_file(const std::string& path, const std::string& what) {
    const std::string name = fmt::format("{} '{}'", what, printable(path));
    const Descriptor file{::open(path.c_str(), O_RDONLY | O_CLOEXEC)};
    if (file.fd < 0) throw Error(fmt::format("cannot read {}: {}", name, std::strerror(errno)));
    return read_all(file.fd, name);
}

std::string read_standard_input() { return read_all(STDIN_FILENO, "standard input"); }

bool read_standard_input_line(std::string& line) {
    line.clear();
    std::streambuf* in = std::cin.rdbuf();
    for (int c = in->sbumpc(); c != EOF; c = in->sbumpc()) {
        if (c == '\n') return true;
        if (line.size() == kMaxTextLineBytes)
            throw Error(fmt::format("cannot read standard input: a line longer than {} MiB", kMaxTextLineBytes >> 20));
        line.push_back(static_cast<char>(c));
    }
    return !line.empty();
}

}  // namespace cli
