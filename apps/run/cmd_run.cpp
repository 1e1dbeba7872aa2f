// `sparse-llm run model.gguf -p "..."`: generate text, llama-cli style. Parses the flags, wires the runtime
// and prints: tokens on stdout as they come, logs and the timing summary on stderr. SIGINT or SIGTERM stops the
// generation at the next step: the text so far and the summary are printed, and the exit code is 130 / 143.
#include <chrono>
#include <cstdio>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "apps/cli/command.h"
#include "apps/cli/flag_checks.h"
#include "apps/cli/generation_flags.h"
#include "apps/cli/runtime_flags.h"
#include "apps/cli/standard_output.h"
#include "apps/cli/stop_signals.h"
#include "apps/cli/text_input.h"
#include "apps/run/run_error.h"
#include "kernels/common/isa.h"
#include "src/chat_session.h"
#include "src/run_config.h"
#include "src/runtime_error.h"
#include "src/system_info.h"
#include "tokenizer/tokenizer.h"

namespace run {
namespace {

using Clock = std::chrono::steady_clock;

struct RunOptions {
    std::string model, model_flag, prompt, prompt_file;
    int64_t n_predict = 128;
    cli::RuntimeFlags runtime;
    cli::GenerationFlags generation;
    bool chat = false, interactive = false, verbose = false, ids = false, ignore_eos = false;
    std::vector<std::string> stop;
    CLI::App* app = nullptr;  // to tell given flags from defaults

    bool given(const char* name) const { return app->count(name) > 0; }
};

double ms_since(Clock::time_point start) { return std::chrono::duration<double, std::milli>(Clock::now() - start).count(); }

std::string read_prompt(const RunOptions& o) {
    return o.given("-f") ? cli::read_text_file(o.prompt_file, "prompt file") : o.prompt;
}

// The prompt's tokens: BOS first when the model wants it; an empty prompt is BOS alone.
std::vector<int32_t> prompt_tokens(const tokenizer::Tokenizer& tok, const std::string& text) {
    std::vector<int32_t> ids = tok.encode(text, /*add_special=*/true);
    if (ids.empty()) {
        if (tok.bos() == tokenizer::kNoToken) throw Error("empty prompt and the model has no BOS token");
        ids.push_back(tok.bos());
    }
    return ids;
}

// One line of stdin after a "> " on stderr; false at the end of input or on an empty line.
bool read_user_turn(std::string& line) {
    std::fputs("> ", stderr);
    return cli::read_standard_input_line(line) && !line.empty();
}

void print_summary(const runtime::Transformer& t, const runtime::GenerationStats& s, double load_ms, double warmup_ms) {
    const runtime::Model& m = t.model();
    const double decode_tps = s.decode_ms > 0 ? s.decode_steps * 1000.0 / s.decode_ms : 0.0;
    spdlog::info("load {:.1f} ms ({:.1f} MiB of weights mapped), warm-up {:.1f} ms", load_ms,
                 m.weight_bytes() / 1048576.0, warmup_ms);
    spdlog::info("prompt: {} tokens in {:.1f} ms ({:.1f} tok/s); first token after {:.1f} ms", s.prompt_tokens,
                 s.prompt_ms, s.prompt_ms > 0 ? s.prompt_tokens * 1000.0 / s.prompt_ms : 0.0, s.first_token_ms);
    spdlog::info("generated: {} tokens, {} decode steps in {:.1f} ms ({:.1f} tok/s, {:.2f} GB/s of weights, {} kernels)",
                 s.generated, s.decode_steps, s.decode_ms, decode_tps, m.bytes_per_token() * decode_tps / 1e9,
                 kernels::isa_name(kernels::active_isa()));
    spdlog::info("memory: peak RSS {:.1f} MiB, KV cache {:.1f} MiB in memory, {:.1f} MiB when full ({} of {} slots, {}), "
                 "evictions {}",
                 runtime::peak_rss_bytes() / 1048576.0, t.kv_resident_bytes() / 1048576.0, t.kv_bytes() / 1048576.0,
                 t.kv_len(),
                 t.config().kv_budget > 0 ? t.config().kv_budget : t.config().n_ctx,
                 runtime::kv_type_name(t.config().sparse.kv_dtype), t.evictions());
    spdlog::info("deadline misses {}{}, steps over the deadline {}{}{}; stop: {}", s.deadline_misses,
                 s.deadline_misses > 0 ? fmt::format(" (last at {})", s.missed_checkpoint) : "", s.late_steps,
                 s.degraded_top_k >= 0 ? fmt::format(", degraded to gated top-k {}", s.degraded_top_k) : "",
                 s.longest_checkpoint_interval_ms > 0
                     ? fmt::format(", worst overrun {:.3f} ms (checkpoint interval up to {:.3f} ms)",
                                   s.worst_overrun_ms, s.longest_checkpoint_interval_ms)
                     : "",
                 s.stop_reason);
}

int run(RunOptions& o) {
    if (o.verbose) spdlog::set_level(spdlog::level::debug);
    if (o.given("model") && o.given("-m")) throw Error("give the model as an argument or with -m, not both");
    if (o.model.empty()) o.model = o.model_flag;
    if (o.model.empty()) throw Error("no model: give model.gguf or -m");
    if (o.given("-p") && o.given("-f")) throw Error("give the prompt with -p or -f, not both");
    const std::string prompt = read_prompt(o);
    const cli::StopSignals signals;
    spdlog::debug("loading {}", o.model);  // from here on SIGINT and SIGTERM stop the run cleanly

    const Clock::time_point load_start = Clock::now();
    const runtime::Model model = runtime::Model::open(o.model);
    const tokenizer::Tokenizer tok = tokenizer::Tokenizer::from_gguf(model.file());
    const runtime::RunConfig config = cli::generation_run_config(o.runtime, o.generation, model);
    runtime::Transformer transformer(model, config);
    const double load_ms = ms_since(load_start);
    spdlog::debug("{}: {} layers, {} heads ({} kv) of {}, {} attention, window {}, block {}, context {}, KV budget {}, "
                  "{} threads", o.model, model.config().n_layer, model.config().n_head, model.config().n_head_kv,
                  model.config().head_dim, runtime::attention_name(config.attention), config.sparse.window,
                  config.sparse.block_size, config.n_ctx, config.kv_budget, config.n_threads);

    runtime::Sampler sampler(cli::sampler_params(o.generation), model.config().n_vocab);
    runtime::GenerationOptions gopts = cli::generation_options(o.generation, o.n_predict);
    gopts.stop = o.stop;
    gopts.ignore_eos = o.ignore_eos;
    gopts.cancel = &cli::StopSignals::requested();

    const std::vector<int32_t> ids = o.chat || o.interactive ? std::vector<int32_t>{} : prompt_tokens(tok, prompt);
    if (!ids.empty() && transformer.room() >= 0 && static_cast<int64_t>(ids.size()) > transformer.room())
        throw Error(fmt::format("the prompt is {} tokens, longer than the context of {} (raise -c)", ids.size(),
                                transformer.room()));
    double warmup_ms = 0.0;
    if (o.generation.warmup) {
        const Clock::time_point start = Clock::now();
        transformer.warm_up();
        warmup_ms = ms_since(start);
    }

    bool first_id = true;
    const runtime::GenerationSink sink{[&](std::string_view text) {
                                           if (o.ids || text.empty()) return;
                                           std::fwrite(text.data(), 1, text.size(), stdout);
                                           cli::flush_standard_output();
                                       },
                                       [&](int32_t id) {
                                           if (!o.ids) return;
                                           std::printf("%s%d", first_id ? "" : " ", id);
                                           cli::flush_standard_output();
                                           first_id = false;
                                       }};
    runtime::GenerationStats stats;
    if (o.chat || o.interactive) {
        runtime::ChatSession chat(transformer, tok, sampler, gopts, o.interactive ? prompt : "");
        if (o.chat && !o.interactive) {
            stats = chat.reply(prompt, sink);
        } else {
            std::string line;
            while (!cli::StopSignals::requested() && read_user_turn(line)) {
                first_id = true;
                stats = chat.reply(line, sink);
                std::fputs("\n", stdout);
                cli::flush_standard_output();
            }
        }
    } else {
        runtime::Generator generator(transformer, tok, sampler, gopts);
        stats = generator.generate(ids, sink);
    }
    if (o.ids || !o.interactive) std::fputs("\n", stdout);
    cli::flush_standard_output();
    print_summary(transformer, stats, load_ms, warmup_ms);
    return cli::StopSignals::exit_code();
}

}  // namespace

void add_command(CLI::App& parent, cli::CommandList& commands) {
    auto o = std::make_shared<RunOptions>();
    CLI::App* sub = parent.add_subcommand("run", "Generate text with a GGUF model (llama-cli-like)");
    o->app = sub;
    sub->add_option("model", o->model, "GGUF model file");
    sub->add_option("-m,--model", o->model_flag, "GGUF model file (instead of the positional argument)");
    sub->add_option("-p,--prompt", o->prompt, "Prompt text (empty: start from BOS)");
    sub->add_option("-f,--file", o->prompt_file, "Read the prompt from this file");
    sub->add_option("-n,--n-predict", o->n_predict, "Tokens to generate; 0: none; -1: until end of generation (or forever)")
        ->capture_default_str()
        ->check(cli::flags::integer(-1, cli::flags::kMaxCount));
    sub->add_option("-c,--ctx-size", o->runtime.config.n_ctx,
                    "Context (KV slots per layer); default min(trained context, 4096)")
        ->check(cli::flags::integer(1, cli::flags::kMaxTokens));
    cli::add_runtime_flags(*sub, o->runtime);
    cli::add_generation_flags(*sub, o->generation);
    sub->add_flag("--chat", o->chat, "Wrap the prompt in the model's chat template (ChatML or Llama 3)");
    sub->add_flag("-i,--interactive", o->interactive, "Chat on stdin, one line per turn (-p or -f: system prompt)");
    sub->add_flag("--verbose", o->verbose, "Debug logs on stderr");
    sub->add_flag("--ids", o->ids, "Print the generated token ids instead of text");
    sub->add_option("--stop", o->stop, "Stop when this text appears (repeatable)");
    sub->add_flag("--ignore-eos", o->ignore_eos, "Never sample an end-of-generation token: generate until -n (or forever)");
    commands.push_back({sub, [o] { return run(*o); }});
}

}  // namespace run
