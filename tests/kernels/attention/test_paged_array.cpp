// PagedArray: zero until written, memory only for the pages written (counted by mincore, independently of the
// class, from the page size the system reports), moves that hand the mapping over, sizes that cannot be had
// refused with std::bad_alloc.
#include <catch2/catch.hpp>

#include <sys/mman.h>
#include <unistd.h>

#include <cstdint>
#include <limits>
#include <new>
#include <vector>

#include "kernels/attention/paged_array.h"

namespace {

size_t page_bytes() { return static_cast<size_t>(::sysconf(_SC_PAGESIZE)); }

// Pages of [p, p + bytes) in memory, asked of the kernel directly.
size_t resident_pages(const void* p, size_t bytes) {
    const size_t page = page_bytes();
    const auto start = reinterpret_cast<uintptr_t>(p) / page * page;
    const size_t span = reinterpret_cast<uintptr_t>(p) + bytes - start;
    std::vector<unsigned char> in_memory((span + page - 1) / page);
    REQUIRE(::mincore(reinterpret_cast<void*>(start), span, in_memory.data()) == 0);
    size_t pages = 0;
    for (unsigned char flags : in_memory) pages += flags & 1u;
    return pages;
}

}  // namespace

TEST_CASE("paged array: nothing is in memory until written, then the written pages only", "[paged_array][memory]") {
    const size_t page = page_bytes(), n = 64 * page / sizeof(float);  // 64 pages of address space
    kernels::PagedArray<float> a(n);
    REQUIRE(a.size() == n);
    CHECK(a.resident_bytes() == 0);
    CHECK(resident_pages(a.data(), n * sizeof(float)) == 0);
    a[0] = 1.0f;
    a[n - 1] = 2.0f;
    a[n / 2] = 3.0f;
    a[n / 2 + 1] = 4.0f;  // the same page
    CHECK(resident_pages(a.data(), n * sizeof(float)) == 3);
    CHECK(a.resident_bytes() == 3 * page);
    // Every element reads 0 but those written (reading maps the zero page: counted by mincore, not RSS).
    size_t nonzero = 0;
    for (size_t i = 0; i < n; ++i) nonzero += a[i] != 0.0f;
    CHECK(nonzero == 4);
    CHECK(a[n / 2 + 1] == 4.0f);
}

TEST_CASE("paged array: a range copy writes the pages of that range only", "[paged_array][memory]") {
    const size_t page = page_bytes(), n = 32 * page / sizeof(uint16_t);
    kernels::PagedArray<uint16_t> from(n), to(n);
    for (size_t i = 0; i < 100; ++i) from[i] = static_cast<uint16_t>(i + 1);
    for (size_t i = n / 2; i < n / 2 + 100; ++i) from[i] = static_cast<uint16_t>(i);
    to.copy_prefix(from, 100);
    to.copy_range(from, n / 2, 100);
    CHECK(to.resident_bytes() == 2 * page);
    for (size_t i = 0; i < 100; ++i) REQUIRE(to[i] == i + 1);
    for (size_t i = n / 2; i < n / 2 + 100; ++i) REQUIRE(to[i] == static_cast<uint16_t>(i));
}

TEST_CASE("paged array: moves hand the mapping over and leave the source empty", "[paged_array]") {
    kernels::PagedArray<int32_t> a(1000);
    a[999] = 7;
    const int32_t* storage = a.data();
    kernels::PagedArray<int32_t> b(std::move(a));
    CHECK(b.data() == storage);
    CHECK(b[999] == 7);
    CHECK(a.size() == 0);  // NOLINT(bugprone-use-after-move): moved-from is empty by contract
    CHECK(a.data() == nullptr);
    kernels::PagedArray<int32_t> c(10);
    c = std::move(b);
    CHECK(c.size() == 1000);
    CHECK(c[999] == 7);
    CHECK(b.empty());  // NOLINT(bugprone-use-after-move)
    const kernels::PagedArray<double> none(0);
    CHECK(none.data() == nullptr);
    CHECK(none.resident_bytes() == 0);
}

TEST_CASE("paged array: a size that cannot be mapped or does not fit in size_t is std::bad_alloc", "[paged_array][errors]") {
    constexpr size_t kMax = std::numeric_limits<size_t>::max();
    CHECK_THROWS_AS(kernels::PagedArray<float>(kMax / 2), std::bad_alloc);  // overflows in bytes
    CHECK_THROWS_AS(kernels::PagedArray<uint8_t>(kMax - 1), std::bad_alloc);  // no page rounding past SIZE_MAX
    CHECK_THROWS_AS(kernels::PagedArray<uint8_t>(kMax / 4), std::bad_alloc);  // more than any address space
}
