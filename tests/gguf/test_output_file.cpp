// gguf::OutputFile: a file is written whole or not at all, whatever was at the path survives a failure, and
// devices are written in place, never removed.
#include <catch2/catch.hpp>

#include <filesystem>
#include <string>
#include <sys/stat.h>
#include <unistd.h>

#include "gguf/gguf_error.h"
#include "gguf/gguf_writer.h"
#include "gguf/output_file.h"
#include "support/file_bytes.h"
#include "support/temp_dir.h"

namespace fs = std::filesystem;

namespace {

size_t files_in(const test::TempDir& dir) {
    size_t n = 0;
    for ([[maybe_unused]] const auto& entry : fs::directory_iterator(fs::path(dir.file("")))) ++n;
    return n;
}

bool is_character_device(const std::string& path) {
    struct stat st {};
    return ::stat(path.c_str(), &st) == 0 && S_ISCHR(st.st_mode);
}

}  // namespace

TEST_CASE("output file: the destination changes only at commit, and nothing else is left behind", "[gguf][output]") {
    const test::TempDir dir;
    const std::string path = dir.file("out.bin");
    test::write_bytes(path, "before");
    {
        gguf::OutputFile out(path);
        out.write("after", 5);
        CHECK(test::read_bytes(path) == "before");
        out.commit();
    }
    CHECK(test::read_bytes(path) == "after");
    CHECK(files_in(dir) == 1);

    {
        gguf::OutputFile abandoned(path);
        abandoned.write("half", 4);
    }  // no commit: an error or an exception on the way
    CHECK(test::read_bytes(path) == "after");
    CHECK(files_in(dir) == 1);

    gguf::OutputFile fresh(dir.file("new.bin"));
    fresh.commit();
    CHECK(fs::file_size(dir.file("new.bin")) == 0);
}

TEST_CASE("output file: the temporaries of a killed write are removed by the next write to the same file",
          "[gguf][output]") {
    const test::TempDir dir;
    const std::string path = dir.file("out.gguf");
    // pid_max is at most 2^22: no process has these ids
    test::write_bytes(path + ".partial-4194305-0", "killed half-way");
    test::write_bytes(path + ".partial-" + std::to_string(::getpid()) + "-99", "a write of a running process");
    test::write_bytes(dir.file("other.gguf.partial-4194305-0"), "another file's");
    gguf::OutputFile out(path);
    out.write("whole", 5);
    out.commit();
    CHECK_FALSE(fs::exists(path + ".partial-4194305-0"));
    CHECK(fs::exists(path + ".partial-" + std::to_string(::getpid()) + "-99"));
    CHECK(fs::exists(dir.file("other.gguf.partial-4194305-0")));
    CHECK(test::read_bytes(path) == "whole");
}

TEST_CASE("output file: a writer that fails half-way leaves the old file", "[gguf][output]") {
    const test::TempDir dir;
    const std::string path = dir.file("model.gguf");
    test::write_bytes(path, "PRECIOUS");
    gguf::Writer w;
    w.add_u32("n", 1);
    w.add_tensor("t", gguf::GgmlType::F32, {1024}, [](uint8_t*, size_t) { throw gguf::Error("t: no data"); });
    REQUIRE_THROWS_WITH(w.write(path), "t: no data");
    CHECK(test::read_bytes(path) == "PRECIOUS");
    CHECK(files_in(dir) == 1);
}

TEST_CASE("output file: a symbolic link is written through, and stays a link", "[gguf][output]") {
    const test::TempDir dir;
    test::write_bytes(dir.file("target.bin"), "old");
    fs::create_symlink(dir.file("target.bin"), dir.file("link.bin"));
    gguf::OutputFile out(dir.file("link.bin"));
    out.write("new", 3);
    out.commit();
    CHECK(fs::is_symlink(dir.file("link.bin")));
    CHECK(test::read_bytes(dir.file("target.bin")) == "new");
    CHECK(files_in(dir) == 2);
}

TEST_CASE("output file: devices are written in place and never removed", "[gguf][output]") {
    if (is_character_device("/dev/null")) {
        gguf::OutputFile out("/dev/null");
        out.write("x", 1);
        out.commit();
        CHECK(is_character_device("/dev/null"));
    }
    if (is_character_device("/dev/full")) {  // every write fails with ENOSPC, at the flush at the latest
        gguf::Writer w;
        w.add_u32("n", 1);
        REQUIRE_THROWS_WITH(w.write("/dev/full"), Catch::StartsWith("/dev/full: cannot write: No space left"));
        CHECK(is_character_device("/dev/full"));
    } else {
        WARN("skipped the failing-device case: /dev/full is not a character device here");
    }
}

TEST_CASE("output file: a directory or a missing directory is one error naming the path", "[gguf][output]") {
    const test::TempDir dir;
    REQUIRE_THROWS_WITH(gguf::OutputFile(dir.file("")), Catch::StartsWith(dir.file("") + ": cannot create: Is a directory"));
    REQUIRE_THROWS_WITH(gguf::OutputFile(dir.file("no/such/out.gguf")),
                        Catch::Equals(dir.file("no/such/out.gguf") + ": cannot create: No such file or directory"));
    CHECK(files_in(dir) == 0);
}
