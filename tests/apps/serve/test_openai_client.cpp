// `sparse-llm serve` driven by the official openai npm package (scripts/install-openai-client.sh installs it;
// the test skips without node or the package): completion and chat, streaming and not, as `run` and curl see
// them, and an error the client reads as OpenAI's.
#include <catch2/catch.hpp>

#include <filesystem>
#include <string>

#include "serve_fixture.h"
#include "support/json_reader.h"
#include "support/shared_data.h"

TEST_CASE("serve: the openai npm client gets completions and chat completions, streaming and not", "[serve]") {
    SKIP_WITHOUT_SHARED();
    const std::filesystem::path modules = std::filesystem::path(SPARSE_LLM_SOURCE_DIR) / "models/generated/npm/node_modules";
    if (!std::filesystem::exists(modules / "openai") || test::run_program("node", {"--version"}).exit_code != 0) {
        WARN("skipped: node or the openai package is absent (bash scripts/install-openai-client.sh)");
        return;
    }
    const std::string stories = test::shared_path("models/stories260K.gguf");
    test::TestServer server({stories, "-t", "1"});
    const std::string script = std::string(SPARSE_LLM_SOURCE_DIR) + "/tests/apps/serve/openai_client.cjs";
    const test::CliResult r = test::run_program("env", {"NODE_PATH=" + modules.string(), "node", script, server.url(""), "stories260K"});
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    const test::json::Value out = test::json::parse(r.out);
    const test::CliResult run = test::run_cli({"run", stories, "-p", "Once upon a time", "-n", "16", "--temp", "0"});
    CHECK(out["completion"].as_string() + "\n" == run.out);
    CHECK(out["completion_stream"].as_string() == out["completion"].as_string());
    CHECK(out["completion_finish"].as_string() == "length");
    CHECK(out["completion_tokens"].as_int() == 16);
    CHECK(out["chat_role"].as_string() == "assistant");
    CHECK_FALSE(out["chat"].as_string().empty());
    CHECK(out["chat_stream"].as_string() == out["chat"].as_string());
    CHECK(out["error_status"].as_int() == 400);
    CHECK_THAT(out["error_message"].as_string(), Catch::Contains("unknown model 'no-such-model'"));
}
