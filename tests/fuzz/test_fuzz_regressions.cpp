// The fuzz targets in the normal suite: every input that once made one fail (tests/fuzz-regressions/<target>/)
// and the seeds each starts from (tests/fuzz/seeds/<target>/) go through them again and must pass; in the
// sanitizer build their memory is checked too. scripts/fuzz.sh runs the targets under libFuzzer.
#include <catch2/catch.hpp>

#include <filesystem>
#include <string>

#include "fuzz/fuzz_targets.h"
#include "support/file_bytes.h"
#include "support/shared_data.h"

namespace {

namespace fs = std::filesystem;

// Every file under `folder`/<target>/, through that target; the folder's subfolders must all name targets.
size_t replay(const fs::path& folder) {
    size_t inputs = 0;
    if (!fs::exists(folder)) return 0;
    for (const fs::directory_entry& dir : fs::directory_iterator(folder)) {
        INFO(dir.path());
        const fuzz::Target* target = fuzz::find_target(dir.path().filename().string());
        REQUIRE(target != nullptr);
        for (const fs::directory_entry& file : fs::directory_iterator(dir.path())) {
            INFO(file.path());
            const std::string bytes = test::read_bytes(file.path().string());
            target->run(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size());
            ++inputs;
        }
    }
    return inputs;
}

}  // namespace

TEST_CASE("fuzz targets: every kept input that once failed passes again", "[fuzz]") {
    SKIP_WITHOUT_SHARED();  // the tokenizer targets read ../shared's vocabularies
    replay(fs::path(SPARSE_LLM_SOURCE_DIR) / "tests/fuzz-regressions");
}

TEST_CASE("fuzz targets: each passes its seeds, and the seeds cover every target", "[fuzz]") {
    SKIP_WITHOUT_SHARED();
    const fs::path seeds = fs::path(SPARSE_LLM_SOURCE_DIR) / "tests/fuzz/seeds";
    CHECK(replay(seeds) > 0);
    for (const fuzz::Target& target : fuzz::targets()) {
        INFO(target.name);
        CHECK(fs::is_directory(seeds / target.name));
    }
}
