// The SmolLM2-shaped test models of scripts/make-test-models.sh: made by our writer and quantizer, bound with
// the real shapes, run by `sparse-llm run`, and kept under the memory budget the pi-zero-2w preset computes.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <string>

#include "src/run_defaults.h"
#include "src/system_info.h"
#include "src/transformer.h"
#include "support/cli_runner.h"
#include "support/process_memory.h"
#include "support/shared_data.h"
#include "support/temp_dir.h"

namespace {

void make_models(const test::TempDir& dir) {
    const std::string command = std::string("SPARSE_LLM_BIN='") + SPARSE_LLM_BIN + "' SPARSE_LLM_SHARED_DIR='" +
                                SPARSE_LLM_SHARED_DIR + "' bash '" + SPARSE_LLM_SOURCE_DIR +
                                "/scripts/make-test-models.sh' '" + dir.file("") + "' 2 > /dev/null";
    REQUIRE(std::system(command.c_str()) == 0);
}

}  // namespace

TEST_CASE("generated models: SmolLM2 shapes in Q4_0 and Q8_0, runnable within the memory budgets the preset computes",
          "[generated][memory]") {
    SKIP_WITHOUT_SHARED();
    test::TempDir dir;
    make_models(dir);
    for (const char* type : {"Q4_0", "Q8_0"}) {
        const std::string path = dir.file(std::string("smol-2l-") + type + ".gguf");
        INFO(path);
        const runtime::Model model = runtime::Model::open(path);
        const runtime::ModelConfig& c = model.config();
        CHECK(c.n_embd == 576);
        CHECK(c.n_ff == 1536);
        CHECK(c.n_head == 9);
        CHECK(c.n_head_kv == 3);
        CHECK(c.head_dim == 64);
        CHECK(c.n_vocab == 49152);
        CHECK(c.n_layer == 2);
        CHECK(model.tied_embeddings());
        CHECK(gguf::ggml_type_name(model.layer(0).w_up.type) == (std::string(type) == "Q4_0" ? "q4_0" : "q8_0"));

        const test::CliResult r = test::run_cli({"run", path, "--preset", "pi-zero-2w", "-p", "Hello", "-n", "8",
                                                "--temp", "0", "-t", "2", "--ids"});
        INFO(r.err);
        REQUIRE(r.exit_code == 0);
        CHECK_THAT(r.err, Catch::Contains("generated: 8 tokens"));
        if (test::kMeasuresRss) CHECK(test::peak_rss_mib(r.err) < 400.0);
    }

    // Filled to a KV budget computed for a tighter limit than 400 MB, the run stays under that limit.
    const runtime::Model model = runtime::Model::open(dir.file("smol-2l-Q4_0.gguf"));
    runtime::RunConfig config = runtime::unresolved_run_config();
    runtime::apply_preset(runtime::kPiZeroPreset, config);
    config = runtime::resolve_run_config(config, runtime::kPiZeroPreset, model);
    // A limit leaving about 256 KV slots: everything the process holds, weights, scratch, margin, 256 slots.
    const uint64_t rss_now = runtime::current_rss_bytes();
    const uint64_t scratch = runtime::Transformer::scratch_bytes(model.config(), config.n_batch);
    const uint64_t base = rss_now + model.weight_bytes() + scratch;
    const uint64_t per_slot = 2 * 2 * 3 * 64 * 2 + 64;  // 2 layers of fp16 k and v rows, plus bookkeeping
    const uint64_t limit = (base + 256 * per_slot) * 16 / 15;
    config.kv_budget = runtime::kv_budget_for_rss(model, config, limit, rss_now);
    CHECK(config.kv_budget >= 200);
    CHECK(config.kv_budget <= 300);

    runtime::Transformer t(model, config);
    std::vector<int32_t> tokens(static_cast<size_t>(config.kv_budget) + 40);
    for (size_t i = 0; i < tokens.size(); ++i) tokens[i] = static_cast<int32_t>((i * 7919) % 49152);
    std::vector<float> logits(49152);
    t.forward(tokens.data(), tokens.size(), logits.data());  // fills the cache and evicts 40
    CHECK(t.kv_len() == static_cast<size_t>(config.kv_budget));
    CHECK(t.evictions() == 40);
    if (test::kMeasuresRss) CHECK(runtime::peak_rss_bytes() <= limit);
}
