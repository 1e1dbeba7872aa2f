#include "kernels/attention/paged_array.h"

#include <sys/mman.h>
#include <unistd.h>

#include <new>
#include <vector>

namespace kernels {
namespace {

size_t page_size() {
    static const size_t size = static_cast<size_t>(::sysconf(_SC_PAGESIZE));
    return size;
}

}  // namespace

PageMapping::PageMapping(size_t bytes) {
    if (bytes == 0) return;
    const size_t page = page_size();
    if (bytes > static_cast<size_t>(-1) - page) throw std::bad_alloc();
    const size_t rounded = (bytes + page - 1) / page * page;
    void* p = ::mmap(nullptr, rounded, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) throw std::bad_alloc();
#ifdef MADV_NOHUGEPAGE
    ::madvise(p, rounded, MADV_NOHUGEPAGE);  // advice only: a kernel without THP says EINVAL, which changes nothing
#endif
    data_ = p;
    bytes_ = rounded;
}

PageMapping::~PageMapping() {
    if (data_) ::munmap(data_, bytes_);
}

size_t PageMapping::resident_bytes() const {
    if (!data_) return 0;
    const size_t page = page_size();
    std::vector<unsigned char> in_memory(bytes_ / page);
    if (::mincore(data_, bytes_, in_memory.data()) != 0) return bytes_;  // unknown: say all of it, never less
    size_t pages = 0;
    for (const unsigned char flags : in_memory) pages += flags & 1u;
    return pages * page;
}

}  // namespace kernels
