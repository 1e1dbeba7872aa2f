#include "apps/cli/standard_output.h"

#include <cerrno>
#include <cstdio>
#include <cstring>

#include <fmt/format.h>

#include "apps/cli/cli_error.h"

namespace cli {

std::string standard_output_error(int errnum) {
    return fmt::format("cannot write to standard output: {}", std::strerror(errnum));
}

void flush_standard_output() {
    errno = 0;
    if (std::fflush(stdout) == 0 && !std::ferror(stdout)) return;
    throw Error(standard_output_error(errno != 0 ? errno : EIO));
}

}  // namespace cli
