#include "apps/summarise/summary_output.h"

#include <cstdio>

#include "apps/cli/standard_output.h"
#include "apps/report/json_writer.h"
#include "src/system_info.h"

namespace summarise {
namespace {

void write(std::string_view text) {
    std::fwrite(text.data(), 1, text.size(), stdout);
    cli::flush_standard_output();
}

report::JsonWriter& progress_members(report::JsonWriter& json, const Progress& p) {
    return json.key("chunks").value(p.chunks).key("bytes_consumed").value(p.bytes_consumed)
        .key("tokens_consumed").value(p.tokens_consumed);
}

}  // namespace

void SummaryOutput::text(std::string_view piece) {
    if (mode_ != OutputMode::Stream) return;
    write(piece);
    streamed_ = true;
}

void SummaryOutput::fold(const Progress& p, const Fold& fold, const std::string& summary) {
    if (mode_ == OutputMode::Stream) {
        if (streamed_) write(fold.updated ? "\n\n" : "\n\n" + summary + "\n\n");
        streamed_ = false;
    } else if (mode_ == OutputMode::Jsonl) {
        const runtime::GenerationStats& s = fold.stats;
        const double evaluated = static_cast<double>(fold.prompt_tokens - fold.reused_tokens);
        report::JsonWriter json;
        json.begin_object().key("chunk").value(p.chunks).key("chunk_bytes").value(p.chunk_bytes)
            .key("chunk_tokens").value(p.chunk_tokens);
        progress_members(json, p).key("summary").value(summary).key("updated").value(fold.updated)
            .key("prompt_tokens").value(fold.prompt_tokens).key("reused_tokens").value(fold.reused_tokens)
            .key("generated_tokens").value(s.generated).key("prompt_ms").value(s.prompt_ms)
            .key("prompt_tokens_per_s").value(s.prompt_ms > 0 ? evaluated * 1000.0 / s.prompt_ms : 0.0)
            .key("generate_ms").value(s.decode_ms).key("stop_reason").value(s.stop_reason)
            .key("deadline_misses").value(s.deadline_misses)
            .key("late_steps").value(s.late_steps)
            .key("peak_rss_mib").value(runtime::peak_rss_bytes() / 1048576.0).end_object();
        write(json.str() + "\n");
    }
}

void SummaryOutput::finish(const Progress& p, const std::string& summary, const char* reason) {
    if (mode_ == OutputMode::FinalOnly && !summary.empty()) {
        write(summary + "\n");
    } else if (mode_ == OutputMode::Jsonl) {
        report::JsonWriter json;
        json.begin_object().key("final").value(true).key("reason").value(reason);
        progress_members(json, p).key("summary").value(summary).end_object();
        write(json.str() + "\n");
    }
}

}  // namespace summarise
