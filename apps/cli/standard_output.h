// Standard output as the apps write to it: a write that fails (a full disk, /dev/full) is an error with the
// system's reason, never a silent exit 0; a reader that went away (`| head`) ends the program quietly.
#pragma once

#include <string>

namespace cli {

// Flushes stdout; throws cli::Error("cannot write to standard output: <strerror>") when that or any
// earlier write to it failed; ends the program as SIGPIPE does when its reader went away.
void flush_standard_output();

// Ends the program by SIGPIPE (exit status 141 to a shell), with nothing on stderr.
[[noreturn]] void end_quietly_at_broken_pipe();

// "cannot write to standard output: <strerror(errnum)>"
std::string standard_output_error(int errnum);

}  // namespace cli
