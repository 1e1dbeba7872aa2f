// ASCII whitespace, as the summariser reads text: where to cut it, what to trim from a reply, what is blank.
#pragma once

#include <string_view>

namespace summarise {

constexpr std::string_view kAsciiSpace = " \t\n\r\f\v";

inline bool is_ascii_space(char c) { return kAsciiSpace.find(c) != std::string_view::npos; }
inline bool is_blank(std::string_view text) { return text.find_first_not_of(kAsciiSpace) == std::string_view::npos; }

}  // namespace summarise
