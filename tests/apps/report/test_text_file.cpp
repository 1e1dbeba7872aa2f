// Text files beside the output (--plot): written whole, and a path that cannot be written is a report::Error
// naming it and the reason, before or after the run.
#include <catch2/catch.hpp>

#include <filesystem>

#include "apps/report/report_error.h"
#include "apps/report/text_file.h"
#include "support/file_bytes.h"
#include "support/temp_dir.h"

TEST_CASE("text file: written whole, and a path that cannot be created is a report error naming it", "[report]") {
    test::TempDir dir;
    report::write_text_file(dir.file("plot.svg"), "<svg/>\n");
    CHECK(test::read_bytes(dir.file("plot.svg")) == "<svg/>\n");
    CHECK_THROWS_AS(report::write_text_file("/nonexistent-dir/plot.svg", "x"), report::Error);
    CHECK_THROWS_WITH(report::write_text_file("/nonexistent-dir/plot.svg", "x"),
                      "/nonexistent-dir/plot.svg: cannot create: No such file or directory");
}

TEST_CASE("text file: the early check leaves nothing behind and fails as the write would", "[report]") {
    test::TempDir dir;
    report::check_can_create(dir.file("plot.svg"));
    CHECK_FALSE(std::filesystem::exists(dir.file("plot.svg")));
    CHECK_THROWS_AS(report::check_can_create("/nonexistent-dir/plot.svg"), report::Error);
}
