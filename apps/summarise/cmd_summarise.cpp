// `sparse-llm summarise model.gguf [FILE|-]`: a rolling summary of text that streams in (a log, a transcript,
// a long document), in bounded memory, for as long as the input lasts: the flags and the wiring. The input is
// read as it arrives (reading_loop.h), cut into chunks (chunker.h), folded into the summary (summariser.h) and
// printed (summary_output.h); SIGINT or SIGTERM prints the current summary and exits 0.
#include <algorithm>
#include <chrono>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "apps/cli/command.h"
#include "apps/cli/flag_checks.h"
#include "apps/cli/generation_flags.h"
#include "apps/cli/runtime_flags.h"
#include "apps/cli/stop_signals.h"
#include "apps/cli/text_input.h"
#include "apps/summarise/chunker.h"
#include "apps/summarise/input_stream.h"
#include "apps/summarise/reading_loop.h"
#include "apps/summarise/summarise_error.h"
#include "apps/summarise/summariser.h"
#include "apps/summarise/summary_output.h"
#include "src/system_info.h"

namespace summarise {
namespace {

using Clock = std::chrono::steady_clock;

// Chunks are at most this long by default: a small model summarises short texts better, and a slow board
// prints its first summary sooner.
constexpr int64_t kDefaultChunkTokens = 1024;
// Tokens of slack in the context: the summary may tokenize a few longer in the next prompt than generated.
constexpr int64_t kContextMargin = 16;

struct SummariseOptions {
    std::string model, input = "-", model_flag, template_file;
    int64_t chunk_tokens = 0, max_summary_tokens = 128;
    double flush_after_s = 60;
    bool final_only = false, jsonl = false, verbose = false;
    cli::RuntimeFlags runtime;
    cli::GenerationFlags generation;
    CLI::App* app = nullptr;

    bool given(const char* name) const { return app->count(name) > 0; }
};

// The chunk length that fits the context with the template and two summaries (the running one in the
// prompt, the new one generated); the one asked for when it fits.
int64_t chunk_tokens(const SummariseOptions& o, const runtime::Transformer& t, size_t template_tokens) {
    const int64_t context = t.config().n_ctx;
    const int64_t fixed = static_cast<int64_t>(template_tokens) + 2 * o.max_summary_tokens + kContextMargin;
    const int64_t fits = context - fixed;
    if (o.chunk_tokens > 0 && (t.room() < 0 || o.chunk_tokens <= fits)) return o.chunk_tokens;
    if (fits < 1 || o.chunk_tokens > 0)
        throw Error(fmt::format("chunks of {} tokens do not fit the context of {} with the template's {} tokens and "
                                "two summaries of {} (raise -c, lower --chunk-tokens or --max-summary-tokens)",
                                o.chunk_tokens > 0 ? o.chunk_tokens : 1, context, template_tokens,
                                o.max_summary_tokens));
    return std::min(fits, kDefaultChunkTokens);
}

SummaryPrompt summary_prompt(const SummariseOptions& o, const tokenizer::Tokenizer& tok) {
    if (!o.given("--template")) return SummaryPrompt::for_model(tok);
    return SummaryPrompt::from_template(cli::read_text_file(o.template_file, "template file"));
}

OutputMode output_mode(const SummariseOptions& o) {
    if (o.jsonl) return OutputMode::Jsonl;
    return o.final_only ? OutputMode::FinalOnly : OutputMode::Stream;
}

int summarise(SummariseOptions& o) {
    if (o.verbose) spdlog::set_level(spdlog::level::debug);
    if (o.given("model") && o.given("-m")) {
        if (o.given("input")) throw Error("give the model as an argument or with -m, not both");
        o.input = o.model;  // `-m model.gguf FILE`: the one argument is the input
        o.model.clear();
    }
    if (o.model.empty()) o.model = o.model_flag;
    if (o.model.empty()) throw Error("no model: give model.gguf or -m");
    if (o.jsonl && o.final_only) throw Error("give --jsonl or --final-only, not both");
    cli::StopSignals signals;
    InputStream input = InputStream::open(o.input);

    const Clock::time_point start = Clock::now();
    const runtime::Model model = runtime::Model::open(o.model);
    const tokenizer::Tokenizer tok = tokenizer::Tokenizer::from_gguf(model.file());
    const runtime::RunConfig config = cli::generation_run_config(o.runtime, o.generation, model);
    runtime::Transformer transformer(model, config);
    runtime::Sampler sampler(cli::sampler_params(o.generation), model.config().n_vocab);
    runtime::GenerationOptions gopts = cli::generation_options(o.generation, o.max_summary_tokens);
    gopts.cancel = &cli::StopSignals::requested();
    SummaryPrompt prompt = summary_prompt(o, tok);
    const bool chat = prompt.uses_chat_template();
    Summariser summariser(transformer, tok, sampler, gopts, std::move(prompt));
    const int64_t chunk = chunk_tokens(o, transformer, summariser.template_tokens());
    if (o.generation.warmup) transformer.warm_up();
    spdlog::debug("chunks of up to {} tokens, summaries of up to {}, context {}, {} template", chunk,
                  o.max_summary_tokens, config.n_ctx, chat ? "chat" : "plain");

    Chunker chunker(tok, static_cast<size_t>(chunk));
    SummaryOutput output(output_mode(o));
    ReadingLoop loop(summariser, chunker, output, o.flush_after_s);
    const char* reason = loop.run(input);
    output.finish(loop.progress(), summariser.summary(), reason);

    const Progress& p = loop.progress();
    const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
    spdlog::info("summarised {} chunks: {} bytes, {} tokens of input in {:.1f} s (prompts at {:.1f} tok/s); peak RSS "
                 "{:.1f} MiB; stop: {}", p.chunks, p.bytes_consumed, p.tokens_consumed, seconds,
                 loop.prompt_ms() > 0 ? p.tokens_consumed * 1000.0 / loop.prompt_ms() : 0.0,
                 runtime::peak_rss_bytes() / 1048576.0, reason);
    return 0;
}

}  // namespace

void add_command(CLI::App& parent, cli::CommandList& commands) {
    auto o = std::make_shared<SummariseOptions>();
    o->generation.sampler.temperature = 0;  // a summary should not change from run to run
    CLI::App* sub = parent.add_subcommand("summarise", "Rolling summary of text from a file or a stream (stdin)");
    o->app = sub;
    sub->add_option("model", o->model, "GGUF model file");
    sub->add_option("input", o->input, "Text to summarise; - or none: standard input")->capture_default_str();
    sub->add_option("-m,--model", o->model_flag, "GGUF model file (instead of the positional argument)");
    sub->add_option("--chunk-tokens", o->chunk_tokens,
                    "Input tokens per chunk; default: what the context holds, at most 1024")
        ->check(cli::flags::integer(1, cli::flags::kMaxTokens));
    sub->add_option("--max-summary-tokens", o->max_summary_tokens, "Longest summary, in tokens")
        ->capture_default_str()->check(cli::flags::integer(1, cli::flags::kMaxTokens));
    sub->add_option("--flush-after", o->flush_after_s,
                    "Summarise what waits after this many seconds without a full chunk (0: only full chunks)")
        ->capture_default_str()->check(cli::flags::real(0, 1e6));
    sub->add_option("--template", o->template_file, "Prompt template file with {summary} and {text} placeholders");
    sub->add_flag("--final-only", o->final_only, "Print only the last summary");
    sub->add_flag("--jsonl", o->jsonl, "One JSON object per summary update, and a final one");
    sub->add_option("-c,--ctx-size", o->runtime.config.n_ctx,
                    "Context (KV slots per layer); default min(trained context, 4096)")
        ->check(cli::flags::integer(1, cli::flags::kMaxTokens));
    cli::add_runtime_flags(*sub, o->runtime);
    cli::add_generation_flags(*sub, o->generation);
    sub->add_flag("--verbose", o->verbose, "Debug logs on stderr");
    commands.push_back({sub, [o] { return summarise(*o); }});
}

}  // namespace summarise
