// Text files the apps write beside their standard output (the benches' --plot), whole or not at all.
#pragma once

#include <string>

namespace report {

// Writes text to path through gguf::OutputFile: a failed write leaves what was there before. Throws
// report::Error "<path>: cannot create|write: <reason>".
void write_text_file(const std::string& path, const std::string& text);

// Throws report::Error naming the path and the reason when write_text_file(path, ...) could not create it,
// so a long run can find out before it starts. Leaves no file behind.
void check_can_create(const std::string& path);

}  // namespace report
