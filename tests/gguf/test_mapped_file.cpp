// gguf::MappedFile: the whole file mapped read-only and advised for transparent huge pages (its errors are
// test_gguf_reader's and the CLI's).
#include <catch2/catch.hpp>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>

#include "gguf/mapped_file.h"
#include "support/file_bytes.h"
#include "support/temp_dir.h"

namespace {

// The VmFlags line of the mapping that starts at `start` in /proc/self/smaps ("" when there is none).
std::string vm_flags_of(const void* start) {
    char address[32];
    std::snprintf(address, sizeof address, "%lx-", reinterpret_cast<unsigned long>(start));
    std::ifstream smaps("/proc/self/smaps");
    bool inside = false;
    for (std::string line; std::getline(smaps, line);) {
        if (line.rfind(address, 0) == 0) inside = true;
        else if (inside && line.rfind("VmFlags:", 0) == 0) return line;
    }
    return "";
}

}  // namespace

TEST_CASE("mapped file: the bytes of the file, mapped and advised for huge pages", "[gguf][mapped]") {
    const test::TempDir dir;
    const std::string path = dir.file("weights.bin");
    std::string bytes(3 << 20, '\0');
    for (size_t i = 0; i < bytes.size(); ++i) bytes[i] = static_cast<char>(i * 131 % 251);
    test::write_bytes(path, bytes);
    const gguf::MappedFile file(path);
    REQUIRE(file.size() == bytes.size());
    CHECK(std::string(reinterpret_cast<const char*>(file.data()), file.size()) == bytes);
    const std::string flags = vm_flags_of(file.data());
    if (flags.empty()) {
        WARN("no /proc/self/smaps entry for the mapping: the huge-page advice is not checked");
        return;
    }
    std::istringstream words(flags);
    bool advised = false;
    for (std::string word; words >> word;) advised = advised || word == "hg";
    INFO(flags);
    CHECK(advised);
}
