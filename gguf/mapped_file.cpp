#include "gguf/mapped_file.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "gguf/gguf_error.h"

namespace gguf {

MappedFile::MappedFile(const std::string& path) : path_(path) {
    // O_NONBLOCK: opening a FIFO must not wait for a writer; it is rejected below like any non-regular file.
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0) throw Error(path + ": cannot open: " + std::strerror(errno));
    struct stat st {};
    if (::fstat(fd, &st) != 0) {
        const int err = errno;
        ::close(fd);
        throw Error(path + ": cannot stat: " + std::strerror(err));
    }
    if (!S_ISREG(st.st_mode)) {
        ::close(fd);
        throw Error(path + (S_ISDIR(st.st_mode) ? ": is a directory, not a GGUF file"
                                                : ": not a regular file (a pipe or a device cannot be mapped)"));
    }
    size_ = static_cast<size_t>(st.st_size);
    if (size_ > 0) {
        void* mapped = ::mmap(nullptr, size_, PROT_READ, MAP_PRIVATE, fd, 0);
        if (mapped == MAP_FAILED) {
            const int err = errno;
            ::close(fd);
            throw Error(path + ": cannot map: " + std::strerror(err));
        }
        data_ = static_cast<const uint8_t*>(mapped);
#ifdef MADV_HUGEPAGE
        // Decode streams every weight each step: where the kernel can back the file's pages with 2 MiB folios
        // (its page cache filled through this mapping), they take far fewer TLB misses. Advice only.
        (void)::madvise(mapped, size_, MADV_HUGEPAGE);
#endif
    }
    ::close(fd);
}

void MappedFile::release(const uint8_t* begin, size_t n) const {
    if (begin < data_ || n == 0 || n > size_ - static_cast<size_t>(begin - data_)) return;
    const auto page = static_cast<uintptr_t>(::sysconf(_SC_PAGESIZE));
    const uintptr_t first = reinterpret_cast<uintptr_t>(begin) & ~(page - 1);
    const uintptr_t end = reinterpret_cast<uintptr_t>(begin) + n;
    // Advice only: a refusal leaves the pages resident, which is what not asking would do.
    (void)::madvise(reinterpret_cast<void*>(first), end - first, MADV_DONTNEED);
}

MappedFile::~MappedFile() {
    if (data_ != nullptr) ::munmap(const_cast<uint8_t*>(data_), size_);
}

}  // namespace gguf
