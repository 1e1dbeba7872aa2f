// A file written whole or not at all. The bytes go to a temporary file beside the destination, which takes
// the destination's name only on commit(): a failed or interrupted write leaves whatever was there before.
// A destination that exists and is not a regular file (/dev/null, a FIFO, a terminal) is written in place.
// Nothing but temporary files is ever removed: this write's, and those of earlier writes to the same
// destination whose process was killed before it could remove its own (DEST.partial-PID-N, PID gone).
#pragma once

#include <cstddef>
#include <cstdio>
#include <string>

namespace gguf {

class OutputFile {
public:
    // Throws gguf::Error "<path>: cannot create: <reason>".
    explicit OutputFile(std::string path);
    // Without commit(): the temporary file is removed and the destination left as it was.
    ~OutputFile();
    OutputFile(const OutputFile&) = delete;
    OutputFile& operator=(const OutputFile&) = delete;

    // Throws gguf::Error "<path>: cannot write: <reason>".
    void write(const void* bytes, size_t n);
    // Flushes the bytes to the disk and gives them the destination's name. Throws as write() does.
    void commit();

private:
    [[noreturn]] void fail(int error) const;

    std::string path_;       // the destination, as the caller named it
    std::string target_;     // the file that commit() replaces: path_, or where its symbolic link points
    std::string temporary_;  // empty when writing the destination in place
    std::FILE* file_ = nullptr;
};

}  // namespace gguf
