#include "apps/summarise/input_stream.h"

#include <cerrno>
#include <cstring>
#include <utility>

#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include <fmt/format.h>

#include "apps/cli/printable.h"
#include "apps/summarise/summarise_error.h"

namespace summarise {

InputStream InputStream::open(const std::string& path) {
    if (path == "-") return InputStream(STDIN_FILENO, "standard input", false);
    std::string name = fmt::format("input file '{}'", cli::printable(path));
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) throw Error(fmt::format("cannot read {}: {}", name, std::strerror(errno)));
    return InputStream(fd, std::move(name), true);
}

InputStream::~InputStream() {
    if (owned_) ::close(fd_);
}

InputStream::InputStream(InputStream&& other) noexcept
    : fd_(other.fd_), name_(std::move(other.name_)), owned_(std::exchange(other.owned_, false)) {}

InputStream::Status InputStream::read_some(std::string& out, int timeout_ms) {
    pollfd p{fd_, POLLIN, 0};
    const int ready = ::poll(&p, 1, timeout_ms);
    if (ready < 0 && errno == EINTR) return Status::Interrupted;
    if (ready < 0) throw Error(fmt::format("cannot read {}: {}", name_, std::strerror(errno)));
    if (ready == 0) return Status::Timeout;
    char buffer[1 << 16];
    const ssize_t n = ::read(fd_, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) return Status::Interrupted;
    if (n < 0) throw Error(fmt::format("cannot read {}: {}", name_, std::strerror(errno)));
    if (n == 0) return Status::End;
    out.append(buffer, static_cast<size_t>(n));
    return Status::Data;
}

}  // namespace summarise
