// scripts/run-default.sh, the main job of scripts/setup.sh, on a copy of the repository's script and models with
// no ../shared beside it (a user's clone on a Pi): it runs the SmolLM2 file get-model.sh fetched, else the
// stories260K model the repository carries, and SPARSE_LLM_MODEL above both.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <filesystem>
#include <string>

#include <sys/wait.h>

#include "support/cli_runner.h"
#include "support/file_bytes.h"
#include "support/temp_dir.h"

namespace fs = std::filesystem;

namespace {

const std::string kPrompt = "Once upon a time";

// A clone's scripts/run-default.sh and models/stories260K.gguf, copied into `dir`/repo.
std::string make_clone(const test::TempDir& dir) {
    const fs::path source = SPARSE_LLM_SOURCE_DIR, clone = dir.file("repo");
    fs::create_directories(clone / "scripts");
    fs::create_directories(clone / "models");
    fs::copy_file(source / "scripts/run-default.sh", clone / "scripts/run-default.sh");
    fs::copy_file(source / "models/stories260K.gguf", clone / "models/stories260K.gguf");
    return clone.string();
}

struct ScriptResult {
    int exit_code;
    std::string out, err;
};

// `bash <clone>/scripts/run-default.sh PROMPT --temp 0` with SPARSE_LLM_BIN set and `environment` before it.
ScriptResult run_default(const test::TempDir& dir, const std::string& clone, const std::string& environment = "") {
    const std::string out = dir.file("out.txt"), err = dir.file("err.txt");
    const std::string command = "env -u SPARSE_LLM_MODEL " + environment + " SPARSE_LLM_BIN='" + SPARSE_LLM_BIN +
                                "' bash '" + clone + "/scripts/run-default.sh' '" + kPrompt + "' --temp 0 > '" + out +
                                "' 2> '" + err + "'";
    const int status = std::system(command.c_str());
    return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, test::read_bytes(out), test::read_bytes(err)};
}

// What `sparse-llm run MODEL` prints for the same prompt, 64 greedy tokens.
std::string direct_run(const std::string& model) {
    const test::CliResult r = test::run_cli({"run", model, "-p", kPrompt, "-n", "64", "--temp", "0"});
    REQUIRE(r.exit_code == 0);
    return r.out;
}

}  // namespace

TEST_CASE("run-default: a clone without ../shared runs the stories260K model it carries", "[scripts]") {
    test::TempDir dir;
    const std::string clone = make_clone(dir);
    REQUIRE_FALSE(fs::exists(fs::path(clone) / "../shared"));
    const ScriptResult r = run_default(dir, clone);
    INFO("stderr: " << r.err);
    CHECK(r.exit_code == 0);
    CHECK_THAT(r.err, Catch::StartsWith("model: models/stories260K.gguf\n"));
    CHECK(r.out == direct_run(clone + "/models/stories260K.gguf"));
    CHECK(r.out.size() > 64);  // 64 tokens of a story, not an empty line
}

TEST_CASE("run-default: a SmolLM2 file from get-model.sh comes first, SPARSE_LLM_MODEL above it", "[scripts]") {
    test::TempDir dir;
    const std::string clone = make_clone(dir);
    // The choice goes by file name; the stand-in's content is the small model, so the run is quick.
    const std::string smol = clone + "/models/SmolLM2-135M-Instruct.Q4_0.gguf";
    fs::copy_file(clone + "/models/stories260K.gguf", smol);
    const ScriptResult fetched = run_default(dir, clone);
    INFO("stderr: " << fetched.err);
    CHECK(fetched.exit_code == 0);
    CHECK_THAT(fetched.err, Catch::StartsWith("model: models/SmolLM2-135M-Instruct.Q4_0.gguf\n"));

    const std::string chosen = dir.file("chosen.gguf");
    fs::copy_file(clone + "/models/stories260K.gguf", chosen);
    const ScriptResult set = run_default(dir, clone, "SPARSE_LLM_MODEL='" + chosen + "'");
    INFO("stderr: " << set.err);
    CHECK(set.exit_code == 0);
    CHECK_THAT(set.err, Catch::StartsWith("model: " + chosen + "\n"));
    CHECK(set.out == fetched.out);
}
