// scripts/fuzz.sh's interface: --list names every fuzz target (each has its seeds, which test_fuzz checks against
// the targets themselves), and bad arguments are usage errors before anything is built.
#include <catch2/catch.hpp>

#include <filesystem>
#include <set>
#include <sstream>
#include <string>

#include "support/cli_runner.h"

namespace {

test::CliResult fuzz_script(const std::vector<std::string>& args) {
    std::vector<std::string> command{std::string(SPARSE_LLM_SOURCE_DIR) + "/scripts/fuzz.sh"};
    command.insert(command.end(), args.begin(), args.end());
    return test::run_program("bash", command);
}

}  // namespace

TEST_CASE("fuzz.sh: --list names the targets, one per seed folder, each with what it reads", "[scripts][fuzz]") {
    const test::CliResult r = fuzz_script({"--list"});
    REQUIRE(r.exit_code == 0);
    std::set<std::string> listed;
    std::istringstream lines(r.out);
    for (std::string line; std::getline(lines, line);) {
        const size_t tab = line.find('\t');
        REQUIRE(tab != std::string::npos);
        CHECK(tab + 10 < line.size());  // a description follows
        listed.insert(line.substr(0, tab));
    }
    std::set<std::string> seeded;
    for (const auto& dir : std::filesystem::directory_iterator(std::string(SPARSE_LLM_SOURCE_DIR) + "/tests/fuzz/seeds"))
        seeded.insert(dir.path().filename().string());
    CHECK(listed == seeded);
    CHECK(listed.size() >= 7);
}

TEST_CASE("fuzz.sh: an unknown target or a bad time is a usage error", "[scripts][fuzz]") {
    const test::CliResult unknown = fuzz_script({"no-such-target", "5"});
    CHECK(unknown.exit_code == 2);
    CHECK_THAT(unknown.err, Catch::Contains("no target 'no-such-target'"));
    CHECK(fuzz_script({"gguf", "0"}).exit_code == 2);
    CHECK(fuzz_script({"gguf"}).exit_code == 2);
    CHECK(fuzz_script({"gguf", "5", "--bogus"}).exit_code == 2);
}
