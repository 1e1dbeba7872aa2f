// Whole files in and out of tests: reference outputs read back, inputs written for the CLI.
#pragma once

#include <cstdint>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace test {

// Throws when the file cannot be opened, so a missing reference fails the test instead of comparing to "".
inline std::string read_bytes(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw std::runtime_error("cannot open " + path);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

inline void write_bytes(const std::string& path, const std::string& bytes) {
    std::ofstream out(path, std::ios::binary);
    if (!(out << bytes)) throw std::runtime_error("cannot write " + path);
}

// Token ids separated by white space, as in the .ids and .out reference files.
inline std::vector<int32_t> parse_ids(const std::string& text) {
    std::vector<int32_t> ids;
    std::istringstream s(text);
    for (int64_t id; s >> id;) ids.push_back(static_cast<int32_t>(id));
    return ids;
}

inline std::vector<int32_t> read_ids(const std::string& path) { return parse_ids(read_bytes(path)); }

}  // namespace test
