// Resolving a command line's run configuration: what the flags leave open takes the preset's, the model's
// and the machine's value; what they give stays as given, with or without the preset.
#include <catch2/catch.hpp>

#include <algorithm>

#include "src/run_defaults.h"
#include "src/runtime_error.h"
#include "src/system_info.h"
#include "src/transformer.h"
#include "support/synthetic_fixture.h"

namespace {

// The small test model, trained for 8192 tokens: beyond the default context of 4096.
test::BoundModel long_context_model() {
    make_model::SyntheticModelSpec spec = test::small_spec();
    spec.n_ctx = 8192;
    return test::bind(make_model::SyntheticModel(spec));
}

runtime::RunConfig with_preset(runtime::RunConfig config) {
    runtime::apply_preset(runtime::kPiZeroPreset, config);
    return config;
}

}  // namespace

TEST_CASE("run defaults: the context, threads and KV budget left open take the model's and the machine's values",
          "[run_config]") {
    const test::BoundModel m = long_context_model();
    const runtime::RunConfig c = runtime::resolve_run_config(runtime::unresolved_run_config(), "", m.model);
    CHECK(c.n_ctx == 4096);
    CHECK(c.n_threads == runtime::physical_cores());
    CHECK(c.kv_budget == 0);
    CHECK(c.sparse.window == 128);
    CHECK(c.sparse.block_size == 64);
    CHECK(c.sparse.kv_dtype == kernels::KvDtype::F16);
}

TEST_CASE("run defaults: the pi-zero-2w preset sets its attention, 4 threads, the whole trained context, a KV budget",
          "[run_config][preset]") {
    const test::BoundModel m = long_context_model();
    const runtime::RunConfig c =
        runtime::resolve_run_config(with_preset(runtime::unresolved_run_config()), runtime::kPiZeroPreset, m.model);
    CHECK(c.sparse.window == 64);
    CHECK(c.sparse.block_size == 32);
    CHECK(c.sparse.sort_candidates);
    CHECK(c.n_threads == 4);
    CHECK(c.n_ctx == 8192);
    CHECK(c.kv_budget == 8192);  // a tiny model: the budget for 400 MB is capped at the trained context
}

TEST_CASE("run defaults: values given on top of the preset stay as given", "[run_config][preset]") {
    const test::BoundModel m = long_context_model();
    runtime::RunConfig given = with_preset(runtime::unresolved_run_config());
    given.sparse.window = 16;  // what the flags after --preset write
    given.n_ctx = 300;
    given.n_threads = 1;
    given.kv_budget = 0;
    const runtime::RunConfig c = runtime::resolve_run_config(given, runtime::kPiZeroPreset, m.model);
    CHECK(c.sparse.window == 16);
    CHECK(c.sparse.block_size == 32);
    CHECK(c.n_ctx == 300);
    CHECK(c.n_threads == 1);
    CHECK(c.kv_budget == 0);
}

TEST_CASE("run defaults: an unknown preset changes nothing when applied and is an error naming it when resolved",
          "[run_config][errors]") {
    const test::BoundModel m = long_context_model();
    runtime::RunConfig config = runtime::unresolved_run_config();
    runtime::apply_preset("pi-zero-3", config);
    CHECK(config.sparse.window == 128);
    CHECK_THROWS_WITH(runtime::resolve_run_config(config, "pi-zero-3", m.model),
                      "unknown preset 'pi-zero-3' (known: pi-zero-2w)");
}

TEST_CASE("run defaults: the preset's KV budget is at most the context, and a short context runs without eviction",
          "[run_config][preset]") {
    const test::BoundModel m = long_context_model();
    const auto budget_at = [&](int64_t n_ctx) {
        runtime::RunConfig given = with_preset(runtime::unresolved_run_config());
        given.n_ctx = n_ctx;
        return runtime::resolve_run_config(given, runtime::kPiZeroPreset, m.model).kv_budget;
    };
    CHECK(budget_at(512) == 512);
    CHECK(budget_at(2048) == 2048);
    CHECK(budget_at(32768) == 8192);  // beyond the trained context: evicts from there on
    CHECK(budget_at(130) == 130);     // 2 windows of 64, a global token and one more: the smallest budget
    CHECK(budget_at(129) == 0);       // shorter: the whole context, no eviction
    CHECK(budget_at(1) == 0);
}

TEST_CASE("run defaults: the memory a config needs adds up its parts, and a limit below it is refused naming them",
          "[run_config][memory]") {
    const test::BoundModel m = long_context_model();
    runtime::RunConfig config = runtime::resolve_run_config(runtime::unresolved_run_config(), "", m.model);
    const runtime::MemoryNeed one = runtime::memory_need(m.model, config, 1000);
    CHECK(one.process == 1000);
    uint64_t tensor_bytes = 0;
    for (const gguf::TensorInfo& t : m.model.file().tensors()) tensor_bytes += t.n_bytes;
    CHECK(one.weights == tensor_bytes);
    CHECK(one.kv == runtime::Transformer::kv_bytes_for(m.model.config(), config, config.n_ctx));
    CHECK(one.total() == one.process + one.weights + one.scratch + one.kv);
    const runtime::MemoryNeed four = runtime::memory_need(m.model, config, 1000, 4);
    CHECK(four.kv == 4 * one.kv);
    CHECK(four.scratch == 4 * one.scratch);
    config.kv_budget = 64;  // H2O holds the cache to the budget
    CHECK(runtime::memory_need(m.model, config, 1000).kv < one.kv);

    config.kv_budget = 0;
    CHECK_NOTHROW(runtime::check_memory(m.model, config, one.total(), 1000));
    CHECK_NOTHROW(runtime::check_memory(m.model, config, 0, 1000));  // no limit
    CHECK_THROWS_WITH(runtime::check_memory(m.model, config, one.total() - 1, 1000),
                      Catch::Contains("more than the") && Catch::Contains("KV cache for 1 x 4096 tokens") &&
                          Catch::Contains("lower -c, set --kv-budget, or raise --max-memory"));
}
