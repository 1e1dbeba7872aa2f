#include "apps/cli/generation_flags.h"

#include <random>

#include <spdlog/spdlog.h>

#include "apps/cli/flag_checks.h"

namespace cli {

void add_generation_flags(CLI::App& sub, GenerationFlags& f) {
    runtime::SamplerParams& s = f.sampler;
    sub.add_option("--temp", s.temperature, "Temperature; 0 = greedy")->capture_default_str()
        ->check(flags::real(0, 100));
    sub.add_option("--top-k", s.top_k, "Top-k; 0 = off")->capture_default_str()->check(flags::integer(0, INT32_MAX));
    sub.add_option("--top-p", s.top_p, "Top-p; 1 = off")->capture_default_str()->check(flags::real(0, 1));
    sub.add_option("--min-p", s.min_p, "Min-p; 0 = off")->capture_default_str()->check(flags::real(0, 1));
    sub.add_option("--repeat-penalty", s.repeat_penalty, "Repetition penalty; 1 = off")->capture_default_str()
        ->check(flags::real(0, 100));
    sub.add_option("--repeat-last-n", s.repeat_last_n, "Tokens the penalty looks back at")->capture_default_str()
        ->check(flags::integer(0, flags::kMaxTokens));
    sub.add_option("--seed", f.seed, "Sampling seed; default: random")->check(flags::integer(0, INT64_MAX));
    add_deadline_flags(sub, f);
}

void add_deadline_flags(CLI::App& sub, GenerationFlags& f) {
    sub.add_option("--deadline-ms", f.deadline_ms, "Per-token decode deadline in ms, fractions allowed (0: none)")
        ->check(flags::real(0, flags::kMaxDeadlineMs));
    sub.add_option("--on-deadline", f.on_deadline, "stop | degrade")->capture_default_str();
    sub.add_flag("--warmup,!--no-warmup", f.warmup, "One synthetic step before the first token (default on)");
}

runtime::RunConfig generation_run_config(const RuntimeFlags& runtime_flags, const GenerationFlags& f,
                                         const runtime::Model& model, uint64_t sequences) {
    runtime::RunConfig c = given_run_config(runtime_flags);
    c.track_salience = runtime::parse_deadline_policy(f.on_deadline) == runtime::DeadlinePolicy::Degrade;
    return resolved_run_config(runtime_flags, c, model, sequences);
}

runtime::SamplerParams sampler_params(const GenerationFlags& f) {
    runtime::SamplerParams p = f.sampler;
    p.seed = f.seed >= 0 ? static_cast<uint64_t>(f.seed) : std::random_device{}();
    if (f.seed < 0 && !p.greedy()) spdlog::debug("seed {}", p.seed);
    return p;
}

runtime::GenerationOptions generation_options(const GenerationFlags& f, int64_t n_predict) {
    runtime::GenerationOptions o;
    o.n_predict = n_predict;
    o.deadline_ms = f.deadline_ms;
    o.on_deadline = runtime::parse_deadline_policy(f.on_deadline);
    return o;
}

}  // namespace cli
