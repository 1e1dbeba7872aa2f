// `sparse-llm serve model.gguf`: an OpenAI-compatible HTTP server (http_server.h) on --parallel slots of the one
// loaded model. Binds 127.0.0.1 unless told otherwise; prints "listening on http://HOST:PORT" on stdout once
// it accepts connections; SIGINT or SIGTERM stops accepting, finishes the requests under way and exits 0.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <thread>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "apps/cli/command.h"
#include "apps/cli/flag_checks.h"
#include "apps/cli/generation_flags.h"
#include "apps/cli/runtime_flags.h"
#include "apps/cli/standard_output.h"
#include "apps/cli/stop_signals.h"
#include "apps/serve/http_server.h"
#include "apps/serve/serve_error.h"
#include "apps/serve/slot_pool.h"
#include "src/system_info.h"

namespace serve {
namespace {

struct ServeOptions {
    std::string model, model_flag, alias;
    int64_t parallel = 1, queue = 16, max_prompt_tokens = 0;
    bool batch_decode = true;
    ServerConfig server;
    cli::RuntimeFlags runtime;
    cli::GenerationFlags generation;
    bool verbose = false;
    CLI::App* app = nullptr;

    bool given(const char* name) const { return app->count(name) > 0; }
};

int serve(ServeOptions& o) {
    if (o.verbose) spdlog::set_level(spdlog::level::debug);
    if (o.given("model") && o.given("-m")) throw Error("give the model as an argument or with -m, not both");
    if (o.model.empty()) o.model = o.model_flag;
    if (o.model.empty()) throw Error("no model: give model.gguf or -m");
    cli::StopSignals signals;

    const runtime::Model model = runtime::Model::open(o.model);
    const tokenizer::Tokenizer tok = tokenizer::Tokenizer::from_gguf(model.file());
    // Batched slots share one pool; side by side, each gets its part of the cores unless -t says otherwise.
    if (o.runtime.config.n_threads == 0)
        o.runtime.config.n_threads =
            std::max<unsigned>(1, runtime::physical_cores() / (o.batch_decode ? 1u : static_cast<unsigned>(o.parallel)));
    const runtime::RunConfig config =
        cli::generation_run_config(o.runtime, o.generation, model, static_cast<uint64_t>(o.parallel));
    SlotPool slots(model, config, static_cast<size_t>(o.parallel), static_cast<size_t>(o.queue), o.batch_decode);

    ServerConfig& s = o.server;
    s.model_id = o.alias.empty() ? std::filesystem::path(o.model).stem().string() : o.alias;
    s.limits.max_prompt_tokens = o.max_prompt_tokens > 0 ? o.max_prompt_tokens : config.n_ctx;
    s.defaults.deadline_ms = o.generation.deadline_ms;
    s.defaults.on_deadline = runtime::parse_deadline_policy(o.generation.on_deadline);
    s.http_threads = static_cast<size_t>(o.parallel + o.queue) + 4;  // queued requests wait on a thread; 4 for the rest
    if (o.generation.warmup) slots.acquire().transformer().warm_up();
    HttpServer server(s, tok, slots);
    const int port = server.bind();
    std::printf("listening on http://%s:%d\n", s.host.c_str(), port);
    cli::flush_standard_output();
    spdlog::info("serving {} as '{}' on {}:{}: {} slots of {} tokens, {} threads {}, queue {}{}", o.model, s.model_id,
                 s.host, port, o.parallel, config.n_ctx, config.n_threads,
                 o.batch_decode ? "shared, decode batched" : "each", o.queue,
                 s.api_key.empty() ? "" : ", API key required");

    std::thread watcher([&] {
        while (!cli::StopSignals::requested()) std::this_thread::sleep_for(std::chrono::milliseconds(100));
        spdlog::info("stopping: finishing the requests under way");
        server.stop();
    });
    server.run();
    if (!cli::StopSignals::requested()) {  // the server failed rather than being asked to stop
        watcher.detach();
        throw Error("the server stopped unexpectedly");
    }
    watcher.join();
    const ServerMetrics& m = server.metrics();
    spdlog::info("served {} requests ({} refused, {} busy), {} prompt and {} generated tokens; peak RSS {:.1f} MiB",
                 m.requests.load(), m.refused.load(), m.busy.load(), m.prompt_tokens.load(), m.generated_tokens.load(),
                 runtime::peak_rss_bytes() / 1048576.0);
    return 0;
}

}  // namespace

void add_command(CLI::App& parent, cli::CommandList& commands) {
    auto o = std::make_shared<ServeOptions>();
    CLI::App* sub = parent.add_subcommand("serve", "OpenAI-compatible HTTP server (completions, chat completions)");
    o->app = sub;
    namespace flags = cli::flags;
    sub->add_option("model", o->model, "GGUF model file");
    sub->add_option("-m,--model", o->model_flag, "GGUF model file (instead of the positional argument)");
    sub->add_option("--host", o->server.host, "Address to listen on")->capture_default_str();
    sub->add_option("--port", o->server.port, "Port; 0: any free one")->capture_default_str()->check(flags::integer(0, 65535));
    sub->add_option("--alias", o->alias, "Model id for /v1/models and requests; default: the file name's stem");
    sub->add_option("--api-key", o->server.api_key, "Require Authorization: Bearer KEY");
    sub->add_option("--parallel", o->parallel, "Slots: requests generating at once, each with its own KV cache")
        ->capture_default_str()->check(flags::integer(1, 256));
    sub->add_flag("--batch-decode,!--no-batch-decode", o->batch_decode,
                  "Slots share one thread pool and decode their tokens in one pass (default); or run side by side");
    sub->add_option("--queue", o->queue, "Requests that may wait for a slot; more get 503")
        ->capture_default_str()->check(flags::integer(0, 4096));
    sub->add_option("--max-body-bytes", o->server.max_body_bytes, "Largest request body")
        ->capture_default_str()->check(flags::integer(1, INT32_MAX));
    sub->add_option("--max-prompt-tokens", o->max_prompt_tokens, "Longest prompt; default: the context")
        ->check(flags::integer(1, flags::kMaxTokens));
    sub->add_option("--max-tokens", o->server.request.max_tokens, "Most tokens a request may generate (and its default)")
        ->capture_default_str()->check(flags::integer(1, flags::kMaxTokens));
    sub->add_option("--timeout", o->server.limits.request_seconds, "Longest a request generates, in seconds")
        ->capture_default_str()->check(flags::real(0.001, 1e6));
    sub->add_option("-c,--ctx-size", o->runtime.config.n_ctx,
                    "Context of each slot (KV slots per layer); default min(trained context, 4096)")
        ->check(flags::integer(1, flags::kMaxTokens));
    cli::add_runtime_flags(*sub, o->runtime);
    cli::add_deadline_flags(*sub, o->generation);
    sub->add_flag("--verbose", o->verbose, "Debug logs on stderr");
    commands.push_back({sub, [o] { return serve(*o); }});
}

}  // namespace serve
