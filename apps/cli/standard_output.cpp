#include "apps/cli/standard_output.h"

#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstdio>
#include <cstring>

#include <fmt/format.h>

#include "apps/cli/cli_error.h"

namespace cli {

std::string standard_output_error(int errnum) {
    return fmt::format("cannot write to standard output: {}", std::strerror(errnum));
}

void end_quietly_at_broken_pipe() {
    // As a program killed by SIGPIPE ends (`sparse-llm run ... | head`), even when SIGPIPE came in ignored.
    std::signal(SIGPIPE, SIG_DFL);
    std::raise(SIGPIPE);
    std::_Exit(128 + SIGPIPE);
}

void flush_standard_output() {
    errno = 0;
    if (std::fflush(stdout) == 0 && !std::ferror(stdout)) return;
    if (errno == EPIPE) end_quietly_at_broken_pipe();
    throw Error(standard_output_error(errno != 0 ? errno : EIO));
}

}  // namespace cli
