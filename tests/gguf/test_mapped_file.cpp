// gguf::MappedFile: the whole file mapped read-only and advised for transparent huge pages (its errors are
// test_gguf_reader's and the CLI's).
#include <catch2/catch.hpp>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <sys/mman.h>

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

bool has_flag(const std::string& vm_flags, const std::string& flag) {
    std::istringstream words(vm_flags);
    for (std::string word; words >> word;)
        if (word == flag) return true;
    return false;
}

// Whether this system shows MADV_HUGEPAGE in /proc/self/smaps at all, on an anonymous mapping of our own:
// not where transparent huge pages are compiled out, nor under qemu-user, which emulates smaps without it.
bool huge_page_advice_shows() {
    const size_t bytes = 4 << 20;
    void* p = ::mmap(nullptr, bytes, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) return false;
    const bool shows = ::madvise(p, bytes, MADV_HUGEPAGE) == 0 && has_flag(vm_flags_of(p), "hg");
    ::munmap(p, bytes);
    return shows;
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
    if (!huge_page_advice_shows()) {
        WARN("skipped: this system does not show huge-page advice in /proc/self/smaps (no THP, or qemu-user)");
        return;
    }
    const std::string flags = vm_flags_of(file.data());
    INFO(flags);
    CHECK(has_flag(flags, "hg"));
}
