// Whether a test may check the process's resident memory: not under AddressSanitizer, whose shadow memory and
// quarantine are not the program's.
#pragma once

namespace test {

#if defined(__SANITIZE_ADDRESS__)
constexpr bool kMeasuresRss = false;
#else
constexpr bool kMeasuresRss = true;
#endif

}  // namespace test
