// Where the read-only reference data of ../shared is, and a clean skip when it is absent.
#pragma once

#include <filesystem>
#include <string>

namespace test {

inline std::filesystem::path shared_dir() { return SPARSE_LLM_SHARED_DIR; }
inline bool shared_available() { return std::filesystem::exists(shared_dir() / "README.md"); }
inline std::string shared_path(const std::string& relative) { return (shared_dir() / relative).string(); }

}  // namespace test

// Ends the current test case with a warning (not a failure) when ../shared is missing.
#define SKIP_WITHOUT_SHARED()                                                  \
    do {                                                                       \
        if (!test::shared_available()) {                                       \
            WARN("skipped: reference data ../shared is absent");              \
            return;                                                            \
        }                                                                      \
    } while (0)
