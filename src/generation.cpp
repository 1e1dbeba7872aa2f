#include "src/generation.h"

#include <algorithm>
#include <chrono>
#include <limits>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "kernels/attention/attention_error.h"
#include "kernels/attention/deadline.h"
#include "src/runtime_error.h"
#include "src/stop_strings.h"
#include "tokenizer/stream_decoder.h"

namespace runtime {
namespace {

using Clock = std::chrono::steady_clock;

double ms_since(Clock::time_point start) {
    return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

}  // namespace

DeadlinePolicy parse_deadline_policy(const std::string& name) {
    if (name == "stop") return DeadlinePolicy::Stop;
    if (name == "degrade") return DeadlinePolicy::Degrade;
    throw Error(fmt::format("unknown deadline policy '{}' (stop, degrade)", name));
}

Generator::Generator(Transformer& transformer, const tokenizer::Tokenizer& tokenizer, Sampler& sampler,
                     GenerationOptions options)
    : transformer_(transformer), tokenizer_(tokenizer), sampler_(sampler), options_(std::move(options)),
      logits_(static_cast<size_t>(transformer.model().config().n_vocab)) {
    const RunConfig& c = transformer.config();
    const bool gated = c.attention == kernels::AttentionPath::Gated;
    if (options_.on_deadline == DeadlinePolicy::Degrade && !c.track_salience && !gated)
        throw Error("--on-deadline degrade needs the transformer to track saliences (RunConfig::track_salience)");
}

GenerationStats Generator::generate(const std::vector<int32_t>& prompt, const GenerationSink& sink) {
    if (prompt.empty()) throw Error("empty prompt: give at least one token (BOS)");
    const int64_t room = transformer_.room();
    if (room >= 0 && static_cast<int64_t>(prompt.size()) > room)
        throw Error(fmt::format("the prompt is {} tokens but the context has room for {} (context {}; raise -c)",
                                prompt.size(), room, transformer_.config().n_ctx));
    GenerationStats stats;
    stats.prompt_tokens = prompt.size();
    const Clock::time_point start = Clock::now();
    const size_t batch = static_cast<size_t>(transformer_.config().n_batch);
    for (size_t done = 0; done < prompt.size(); done += batch) {
        if (cancelled()) {  // the summary tells how much of the prompt was evaluated
            stats.prompt_tokens = done;
            stats.prompt_ms = ms_since(start);
            stats.stop_reason = "cancelled";
            return stats;
        }
        transformer_.forward(prompt.data() + done, std::min(batch, prompt.size() - done), logits_.data());
    }
    stats.prompt_ms = ms_since(start);
    for (int32_t token : prompt) sampler_.accept(token);
    if (options_.n_predict == 0) {  // as llama.cpp: the prompt is evaluated, nothing is sampled
        stats.stop_reason = "n_predict";
        return stats;
    }

    tokenizer::StreamDecoder stream(tokenizer_);
    StopStrings stop(options_.stop);
    for (;;) {
        if (options_.ignore_eos) suppress_end_of_generation();
        const int32_t token = sampler_.sample(logits_.data());
        sampler_.accept(token);
        if (++stats.generated == 1) stats.first_token_ms = ms_since(start);
        sink.token(token);
        if (tokenizer_.is_eog(token)) {
            stats.stop_reason = "eog";
            break;
        }
        const StopStrings::Result ready = stop.feed(stream.push(token));
        sink.text(ready.text);
        if (ready.stopped) {
            stats.stop_reason = "stop";
            return stats;
        }
        if (options_.n_predict >= 0 && static_cast<int64_t>(stats.generated) >= options_.n_predict) {
            stats.stop_reason = "n_predict";
            break;
        }
        if (transformer_.room() == 0) {
            stats.stop_reason = "context";
            break;
        }
        if (cancelled()) {
            stats.stop_reason = "cancelled";
            break;
        }
        const Clock::time_point step_start = Clock::now();
        const bool more = decode(token, stats);
        const double step_ms = ms_since(step_start);
        stats.decode_ms += step_ms;
        if (more && options_.deadline_ms > 0 && step_ms > options_.deadline_ms) ++stats.late_steps;
        if (more) spdlog::debug("decode step {}: {:.6f} ms", stats.decode_steps, step_ms);
        if (!more) break;
    }
    const StopStrings::Result tail = stop.feed(stream.flush());
    sink.text(tail.text);
    if (!tail.stopped) sink.text(stop.finish());
    return stats;
}

bool Generator::decode(int32_t token, GenerationStats& stats) {
    AttendControl& control = transformer_.control();
    for (;;) {
        const bool at_floor = control.attention == kernels::AttentionPath::Gated && stats.degraded_top_k == 0;
        const bool timed = options_.deadline_ms > 0 && !at_floor;
        const auto budget = std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double, std::milli>(options_.deadline_ms));
        const kernels::DeadlineTimer timer(Clock::now() + budget);
        control.deadline = timed ? &timer : nullptr;
        try {
            transformer_.forward(&token, 1, logits_.data());
            control.deadline = nullptr;
            if (timed) note_timed_attempt(stats, timer.finish(), timer, "done");
            ++stats.decode_steps;
            return true;
        } catch (const kernels::DeadlineExceeded& e) {
            control.deadline = nullptr;
            note_timed_attempt(stats, e.elapsed_ms(), timer, e.checkpoint());
            ++stats.deadline_misses;
            stats.missed_checkpoint = e.checkpoint();
            if (options_.on_deadline == DeadlinePolicy::Stop) {
                spdlog::warn("deadline of {} ms missed at {} after {:.3f} ms ({:.3f} ms past it): stopping",
                             options_.deadline_ms, e.checkpoint(), e.elapsed_ms(), e.overrun_ms());
                stats.stop_reason = "deadline";
                return false;
            }
            degrade(stats, e);
        }
    }
}

void Generator::note_timed_attempt(GenerationStats& stats, double elapsed_ms, const kernels::DeadlineTimer& timer,
                                   const char* outcome) {
    stats.worst_overrun_ms = std::max(stats.worst_overrun_ms, elapsed_ms - options_.deadline_ms);
    stats.longest_checkpoint_interval_ms = std::max(stats.longest_checkpoint_interval_ms, timer.longest_interval_ms());
    spdlog::debug("decode step {} attempt under the deadline: {:.4f} ms, {}; checkpoint interval up to {:.4f} ms",
                  stats.decode_steps + 1, elapsed_ms, outcome, timer.longest_interval_ms());
}

void Generator::suppress_end_of_generation() {
    for (const int32_t id : tokenizer_.eog_ids())
        if (id >= 0 && static_cast<size_t>(id) < logits_.size()) logits_[id] = -std::numeric_limits<float>::infinity();
}

void Generator::degrade(GenerationStats& stats, const kernels::DeadlineExceeded& miss) {
    AttendControl& control = transformer_.control();
    if (stats.degraded_top_k < 0) {
        control.attention = kernels::AttentionPath::Gated;
        stats.degraded_top_k = static_cast<int64_t>(options_.degrade_top_k);
    } else {
        stats.degraded_top_k /= 2;
    }
    control.gate_top_k = static_cast<size_t>(stats.degraded_top_k);
    spdlog::warn("deadline of {} ms missed at {} after {:.3f} ms ({:.3f} ms past it): degrading to gated attention "
                 "with top-k {}{}",
                 options_.deadline_ms, miss.checkpoint(), miss.elapsed_ms(), miss.overrun_ms(), stats.degraded_top_k,
                 stats.degraded_top_k == 0 ? " (the floor: steps now finish late instead of failing)" : "");
}

}  // namespace runtime
