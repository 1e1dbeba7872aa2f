// `sparse-llm bench model MODEL`: whole-model prompt and generation speed, llama-bench style.
#include <fmt/format.h>

#include "apps/command.h"
#include "src/model_bench.h"
#include "src/run_config.h"

namespace {

struct BenchModelOptions {
    std::string model, output = "md", attention = "sparse", kv_type = "f16";
    std::vector<int64_t> n_prompt{512}, n_gen{128}, depth{0};
    unsigned threads = 0;
    int64_t batch = 512;
    int repetitions = 5;
    size_t window = 0, block = 0;
    CLI::App* app = nullptr;
};

int run_bench_model(const BenchModelOptions& o) {
    const runtime::Model model = runtime::Model::open(o.model);
    runtime::RunConfig config;
    if (o.app->count("-t") > 0) config.n_threads = o.threads;
    config.n_batch = o.batch;
    config.attention = runtime::parse_attention_mode(o.attention);
    config.kv_type = runtime::parse_kv_type(o.kv_type);
    if (o.app->count("--window") > 0) config.window = o.window;
    if (o.app->count("--block") > 0) config.block = o.block;
    runtime::ModelBenchParams params;
    params.n_prompt = o.n_prompt;
    params.n_gen = o.n_gen;
    params.depth = o.depth;
    params.repetitions = o.repetitions;
    params.options = runtime::transformer_options(config, model);
    const runtime::ModelBenchReport report = runtime::run_model_bench(model, o.model, params);
    fmt::print("{}", o.output == "json" ? runtime::model_bench_json(report) : runtime::model_bench_markdown(report));
    return 0;
}

}  // namespace

void add_bench_model_command(CLI::App& bench, CommandList& commands) {
    auto o = std::make_shared<BenchModelOptions>();
    CLI::App* sub = bench.add_subcommand("model", "Prompt (pp) and generation (tg) tokens/s of a model, llama-bench style");
    o->app = sub;
    sub->add_option("model", o->model, "GGUF model")->required();
    sub->add_option("-p,--n-prompt", o->n_prompt, "Prompt lengths")->delimiter(',')->capture_default_str();
    sub->add_option("-n,--n-gen", o->n_gen, "Generated tokens")->delimiter(',')->capture_default_str();
    sub->add_option("-d,--n-depth", o->depth, "Tokens already in the cache")->delimiter(',')->capture_default_str();
    sub->add_option("-t,--threads", o->threads, "Threads; default: physical cores")->check(CLI::PositiveNumber);
    sub->add_option("-b,--batch-size", o->batch, "Prompt tokens per forward step")->capture_default_str()->check(CLI::PositiveNumber);
    sub->add_option("-r,--repetitions", o->repetitions, "Timed runs per test")->capture_default_str()->check(CLI::PositiveNumber);
    sub->add_option("-o,--output", o->output, "md or json")->check(CLI::IsMember({"md", "json"}))->capture_default_str();
    sub->add_option("--attention", o->attention, "dense | sparse | gated")->capture_default_str();
    sub->add_option("--kv-type", o->kv_type, "f16 | f32")->capture_default_str();
    sub->add_option("--window", o->window, "Sparse attention local window (default 128)");
    sub->add_option("--block", o->block, "Landmark block size (default 64)")->check(CLI::PositiveNumber);
    commands.push_back({sub, [o] { return run_bench_model(*o); }});
}
