// `sparse-llm summarise model.gguf [FILE|-]`: a rolling summary of text that streams in (a log, a transcript,
// a long document), in bounded memory, for as long as the input lasts. Reads the input as it arrives, cuts it
// into chunks (chunker.h), folds each into the summary (summariser.h) and prints (summary_output.h); SIGINT
// or SIGTERM prints the current summary and exits 0.
#include <algorithm>
#include <chrono>
#include <cstdio>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "apps/cli/command.h"
#include "apps/cli/flag_checks.h"
#include "apps/cli/generation_flags.h"
#include "apps/cli/runtime_flags.h"
#include "apps/cli/stop_signals.h"
#include "apps/cli/text_input.h"
#include "apps/summarise/ascii_space.h"
#include "apps/summarise/chunker.h"
#include "apps/summarise/input_stream.h"
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
// A stop signal is noticed within this time even when it comes just before a wait.
constexpr int kLongestWaitMs = 200;

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

// The reading loop: chunks as the input fills them, a partial one when it waited --flush-after seconds, the
// rest at the end of input; until then or a stop signal.
class Session {
public:
    Session(Summariser& summariser, Chunker& chunker, SummaryOutput& output, double flush_after_s)
        : summariser_(summariser), chunker_(chunker), output_(output), flush_after_(flush_after_s) {}

    // Returns "end of input" or "signal".
    const char* run(InputStream& input) {
        std::string bytes;
        while (!stopped()) {
            bytes.clear();
            switch (input.read_some(bytes, wait_ms())) {
            case InputStream::Status::Data:
                if (chunker_.pending_bytes() == 0) waiting_since_ = Clock::now();
                chunker_.push(bytes);
                while (!stopped() && fold_next(false)) {}
                break;
            case InputStream::Status::End:
                while (!stopped() && fold_next(true)) {}
                return stopped() ? "signal" : "end of input";
            case InputStream::Status::Timeout:
                if (flush_due()) fold_next(true);
                break;
            case InputStream::Status::Interrupted:
                break;
            }
        }
        return "signal";
    }

    const Progress& progress() const { return progress_; }
    double prompt_ms() const { return prompt_ms_; }

private:
    static bool stopped() { return cli::StopSignals::requested().load(); }

    bool flush_due() const {
        return flush_after_ > 0 && chunker_.pending_bytes() > 0 &&
               std::chrono::duration<double>(Clock::now() - waiting_since_).count() >= flush_after_;
    }

    int wait_ms() const {
        if (flush_after_ <= 0 || chunker_.pending_bytes() == 0) return kLongestWaitMs;
        const double left = flush_after_ - std::chrono::duration<double>(Clock::now() - waiting_since_).count();
        return static_cast<int>(std::clamp(left * 1000.0, 0.0, static_cast<double>(kLongestWaitMs)));
    }

    bool fold_next(bool flush) {
        const std::optional<Chunk> chunk = chunker_.next(flush);
        if (!chunk) return false;
        progress_.bytes_consumed += chunk->text.size();
        progress_.tokens_consumed += chunk->tokens;
        waiting_since_ = Clock::now();
        if (is_blank(chunk->text)) return true;
        ++progress_.chunks;
        progress_.chunk_bytes = chunk->text.size();
        progress_.chunk_tokens = chunk->tokens;
        const Fold fold = summariser_.fold(chunk->text, [&](std::string_view piece) { output_.text(piece); });
        prompt_ms_ += fold.stats.prompt_ms;
        if (!fold.updated && fold.stats.stop_reason != "cancelled")
            spdlog::warn("chunk {}: {}; the summary stays as it was", progress_.chunks,
                         fold.stats.stop_reason == "deadline" ? "a decode deadline was missed" : "the reply was empty");
        output_.fold(progress_, fold, summariser_.summary());
        return true;
    }

    Summariser& summariser_;
    Chunker& chunker_;
    SummaryOutput& output_;
    double flush_after_;
    Clock::time_point waiting_since_ = Clock::now();  // when the oldest text not yet summarised arrived
    Progress progress_;
    double prompt_ms_ = 0;
};

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
    Session session(summariser, chunker, output, o.flush_after_s);
    const char* reason = session.run(input);
    output.finish(session.progress(), summariser.summary(), reason);

    const Progress& p = session.progress();
    const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
    spdlog::info("summarised {} chunks: {} bytes, {} tokens of input in {:.1f} s (prompts at {:.1f} tok/s); peak RSS "
                 "{:.1f} MiB; stop: {}", p.chunks, p.bytes_consumed, p.tokens_consumed, seconds,
                 session.prompt_ms() > 0 ? p.tokens_consumed * 1000.0 / session.prompt_ms() : 0.0,
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
