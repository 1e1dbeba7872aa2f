// Memory of a run: a SmolLM2-shaped model (30 layers of 576 wide, 9:3 heads of 64; a small vocabulary, which
// no cache or scratch depends on) generated here, 16 tokens at a context of 512, 8192 and 32768. The caches
// hold the same pages at every context (counted by mincore over their mappings), and the process's peak RSS
// grows by about the same (VmHWM from the kernel). Before paging, the 16-token run at 32768 touched the whole
// 746 MiB fp16 cache.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <map>
#include <vector>

#include "src/system_info.h"
#include "src/transformer.h"
#include "support/process_memory.h"
#include "support/synthetic_fixture.h"

namespace {

constexpr uint64_t kMiB = 1024 * 1024;

struct Use {
    uint64_t kv_resident = 0;  // the caches' pages in memory after the run
    uint64_t peak_growth = 0;  // the process's peak RSS during the run, above its RSS before
};

// A transformer of `n_ctx` slots: a one-token prompt, then 15 decodes.
Use run_16_tokens(const runtime::Model& model, int64_t n_ctx) {
    runtime::RunConfig config;
    config.n_ctx = n_ctx;
    config.n_threads = 2;
    const uint64_t before = runtime::current_rss_bytes();
    runtime::reset_peak_rss();
    Use use;
    {
        runtime::Transformer t(model, config);
        std::vector<float> logits(static_cast<size_t>(model.config().n_vocab));
        int32_t token = 1;
        for (int i = 0; i < 16; ++i) {
            t.forward(&token, 1, logits.data());
            token = static_cast<int32_t>((token * 31 + 7) % model.config().n_vocab);
        }
        REQUIRE(t.kv_len() == 16);
        use.kv_resident = t.kv_resident_bytes();
        use.peak_growth = runtime::peak_rss_bytes() - before;
    }
    return use;
}

}  // namespace

TEST_CASE("transformer memory: 16 tokens at a context of 8192 or 32768 hold what they hold at 512",
          "[transformer][memory]") {
    make_model::SyntheticModelSpec spec = make_model::SyntheticModelSpec::smollm2_shape(30, gguf::GgmlType::Q4_0);
    spec.n_vocab = 512;
    const test::BoundModel m = test::bind(make_model::SyntheticModel(spec));
    run_16_tokens(m.model, 512);  // first touches of the weights, thread stacks and heap: not the cache's
    std::map<int64_t, Use> use;
    for (int64_t n_ctx : {512, 8192, 32768}) use[n_ctx] = run_16_tokens(m.model, n_ctx);

    // Per layer one page of keys and one of values per kv head, a page each of mass, landmark keys, values and
    // counts: 300 pages (1.2 MiB with 4 KiB pages; the whole cache at 512 is 11.7 MiB).
    CHECK(use[512].kv_resident <= 30 * (2 * 3 + 4) * static_cast<uint64_t>(::sysconf(_SC_PAGESIZE)));
    CHECK(use[8192].kv_resident == use[512].kv_resident);
    CHECK(use[32768].kv_resident == use[512].kv_resident);
    if (!test::kMeasuresRss) return;
    if (!runtime::reset_peak_rss()) {
        WARN("skipped: the peak RSS cannot be reset here (/proc/self/clear_refs)");
        return;
    }
    for (int64_t n_ctx : {8192, 32768}) {
        INFO("context " << n_ctx << ": peak +" << use[n_ctx].peak_growth / kMiB << " MiB, at 512 +"
                        << use[512].peak_growth / kMiB << " MiB");
        CHECK(use[n_ctx].peak_growth <= use[512].peak_growth + 10 * kMiB);
    }
}
