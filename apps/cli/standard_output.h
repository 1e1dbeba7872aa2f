// Standard output as the apps write to it: a write that fails (a full disk, /dev/full) is an error with the
// system's reason, never a silent exit 0.
#pragma once

#include <string>

namespace cli {

// Flushes stdout; throws cli::Error("cannot write to standard output: <strerror>") when that or any
// earlier write to it failed.
void flush_standard_output();

// "cannot write to standard output: <strerror(errnum)>"
std::string standard_output_error(int errnum);

}  // namespace cli
