// The fuzz targets: each takes arbitrary bytes into one of the program's readers of outside input and aborts on
// a defect (a crash, a sanitizer report, an exception that is not the reader's own clean error, or a broken
// invariant the target states). libFuzzer drives them (fuzz_main.cpp, scripts/fuzz.sh); the normal suite
// replays every input that once failed (tests/fuzz-regressions/<target>/, test_fuzz_regressions.cpp).
//
// Clean errors are the std::runtime_error family (gguf::Error, tokenizer::Error, runtime::Error, cli::Error...):
// what the CLI turns into one error line. A std::logic_error, std::bad_alloc or any other exception escapes the
// target, and libFuzzer reports it as a crash.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

namespace fuzz {

struct Target {
    const char* name;
    const char* input;  // what the bytes are
    void (*run)(const uint8_t* data, size_t size);
};

const std::vector<Target>& targets();
// nullptr for an unknown name.
const Target* find_target(std::string_view name);

// Aborts with `what` on stderr: a broken invariant, which libFuzzer reports as a crash.
[[noreturn]] void defect(const char* what);

}  // namespace fuzz
