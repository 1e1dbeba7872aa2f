// Text that came from a file or the command line, made safe to print as part of one terminal line.
#pragma once

#include <string>
#include <string_view>

namespace cli {

// `text` with every control byte (below 0x20, and 0x7f) written as \xNN: a hostile tensor name or metadata
// string can neither break an error into several lines nor send escape sequences to the terminal.
std::string printable(std::string_view text);

// A token piece in quotes: UTF-8 characters as they are; \n \t \r \\ \' by name; other control characters
// and bytes that are not UTF-8 as \xNN.
std::string quote_piece(std::string_view piece);

}  // namespace cli
