// Text the apps take from a file or standard input (prompts, texts to score or tokenize): read whole, bytes
// exactly as they are, from regular files, pipes and devices alike, but never more than a cap, so that
// `-f /dev/zero` is an error and not a machine out of memory.
#pragma once

#include <cstddef>
#include <string>

namespace cli {

constexpr size_t kMaxTextInputBytes = size_t{256} << 20;
// A line typed to `run -i` / `--chat`: far more than any context holds.
constexpr size_t kMaxTextLineBytes = size_t{1} << 20;

// The bytes of `path`. Throws cli::Error naming `what` and the path with the reason:
// "cannot read prompt file 'DIR': Is a directory", "cannot read text file 'F': larger than 256 MiB".
std::string read_text_file(const std::string& path, const std::string& what);

// Standard input, the same way ("cannot read standard input: ...").
std::string read_standard_input();

// The next line of standard input, without its newline; false at the end of input with nothing read. Throws
// cli::Error for a line longer than kMaxTextLineBytes.
bool read_standard_input_line(std::string& line);

}  // namespace cli
