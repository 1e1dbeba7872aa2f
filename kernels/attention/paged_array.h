// PagedArray<T>: a fixed-size array of zero-valued T in an anonymous memory mapping of its own. The kernel
// gives a page of it physical memory on the first write, so what the array holds resident follows what has
// been written, not its size: a KV cache sized for 32K tokens costs the pages of the tokens it holds.
//
//   kernels::PagedArray<uint16_t> rows(capacity * width);   // address space only; every element reads 0
//   rows[i] = x;                                             // the page of rows[i] becomes resident
//   rows.resident_bytes();                                   // what the mapping holds now (mincore)
//
// - The whole size is address space asked for up front (no MAP_NORESERVE): a mapping beyond the address space
//   limit (RLIMIT_AS), or that the kernel's overcommit policy refuses (by default: one larger than memory
//   and swap), is std::bad_alloc at once, as a std::vector's would be. What the kernel does not check by
//   default is the sum of many mappings against memory: an array larger than the machine can hold works until
//   it is filled that far, as any lazily used memory does.
// - Transparent huge pages are off for the mapping (MADV_NOHUGEPAGE): the first write makes one page
//   resident, not 2 MiB (a head-major KV cache writes to 2 * layers * kv_heads regions at once).
// - Not copyable: a plain copy would write, and so make resident, every page. Owners copy the part they use
//   (copy_prefix) and keep reads to what they wrote (a read of an unwritten page maps the kernel's shared
//   zero page: no memory, but resident_bytes() counts it).
#pragma once

#include <algorithm>
#include <cstddef>
#include <new>
#include <type_traits>
#include <utility>

namespace kernels {

// The untyped mapping: bytes rounded up to whole pages, unmapped on destruction. Zero bytes map nothing.
class PageMapping {
public:
    PageMapping() = default;
    // Throws std::bad_alloc when the kernel refuses the mapping (address space limit, overcommit).
    explicit PageMapping(size_t bytes);
    ~PageMapping();
    PageMapping(PageMapping&& other) noexcept { swap(other); }
    PageMapping& operator=(PageMapping&& other) noexcept {
        PageMapping(std::move(other)).swap(*this);
        return *this;
    }
    PageMapping(const PageMapping&) = delete;
    PageMapping& operator=(const PageMapping&) = delete;

    void* data() const { return data_; }
    size_t bytes() const { return bytes_; }
    // Bytes of the mapping's pages that are in memory now (mincore): written pages, and pages only read;
    // all of it if the kernel cannot tell.
    size_t resident_bytes() const;

private:
    void swap(PageMapping& other) noexcept {
        std::swap(data_, other.data_);
        std::swap(bytes_, other.bytes_);
    }

    void* data_ = nullptr;
    size_t bytes_ = 0;
};

template <typename T>
class PagedArray {
    static_assert(std::is_trivially_copyable<T>::value, "PagedArray holds plain values whose zero bytes are 0");

public:
    PagedArray() = default;
    // n zero elements. Throws std::bad_alloc when the mapping is refused or n * sizeof(T) overflows.
    explicit PagedArray(size_t n) : mapping_(checked_bytes(n)), size_(n) {}
    PagedArray(PagedArray&& other) noexcept : mapping_(std::move(other.mapping_)), size_(other.size_) { other.size_ = 0; }
    PagedArray& operator=(PagedArray&& other) noexcept {
        mapping_ = std::move(other.mapping_);
        size_ = other.size_;
        other.size_ = 0;
        return *this;
    }

    size_t size() const { return size_; }
    bool empty() const { return size_ == 0; }
    T* data() { return static_cast<T*>(mapping_.data()); }
    const T* data() const { return static_cast<const T*>(mapping_.data()); }
    T& operator[](size_t i) { return data()[i]; }
    const T& operator[](size_t i) const { return data()[i]; }
    size_t resident_bytes() const { return mapping_.resident_bytes(); }

    // Copies elements [first, first + n) of `from` to the same place here (both at least that long).
    void copy_range(const PagedArray& from, size_t first, size_t n) {
        std::copy(from.data() + first, from.data() + first + n, data() + first);
    }
    void copy_prefix(const PagedArray& from, size_t n) { copy_range(from, 0, n); }

private:
    static size_t checked_bytes(size_t n) {
        if (n > static_cast<size_t>(-1) / sizeof(T)) throw std::bad_alloc();
        return n * sizeof(T);
    }

    PageMapping mapping_;
    size_t size_ = 0;
};

}  // namespace kernels
