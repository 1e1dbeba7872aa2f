// A file mapped read-only into memory (RAII), advised for transparent huge pages.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace gguf {

class MappedFile {
public:
    // Throws gguf::Error naming the path when it cannot be opened, is not a regular file (a directory, a pipe,
    // a device), or cannot be mapped.
    explicit MappedFile(const std::string& path);
    ~MappedFile();
    MappedFile(const MappedFile&) = delete;
    MappedFile& operator=(const MappedFile&) = delete;

    const uint8_t* data() const { return data_; }
    size_t size() const { return size_; }
    const std::string& path() const { return path_; }
    // Takes the pages holding [begin, begin + n) out of the process's resident memory. The mapping stays valid:
    // touched again, they are read back from the file (the page cache), unchanged.
    void release(const uint8_t* begin, size_t n) const;

private:
    std::string path_;
    const uint8_t* data_ = nullptr;
    size_t size_ = 0;
};

}  // namespace gguf
