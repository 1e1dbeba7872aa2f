// The flags of commands that generate text (`run`, `summarise`): sampling, seed, decode deadline and warm-up,
// and what they make: the run configuration, the sampler's parameters (a random seed when none is given) and
// the generation options.
#pragma once

#include <cstdint>
#include <string>

#include <CLI/CLI.hpp>

#include "apps/cli/runtime_flags.h"
#include "src/generation.h"
#include "src/sampler.h"

namespace cli {

struct GenerationFlags {
    runtime::SamplerParams sampler;  // its values when the flags are added are the defaults shown
    int64_t seed = -1;               // -1: random
    double deadline_ms = 0;
    std::string on_deadline = "stop";
    bool warmup = true;
};

// --temp --top-k --top-p --min-p --repeat-penalty --repeat-last-n --seed, and the deadline flags
void add_generation_flags(CLI::App& sub, GenerationFlags& flags);
// --deadline-ms --on-deadline --warmup/--no-warmup (`serve`: its requests bring their own sampling)
void add_deadline_flags(CLI::App& sub, GenerationFlags& flags);

// The sampler's parameters, the seed drawn at random when not given.
runtime::SamplerParams sampler_params(const GenerationFlags& flags);
// The runtime flags' configuration resolved for the model, keeping saliences when --on-deadline degrade may
// switch to gated attention. Throws runtime::Error for an unknown --on-deadline (and as resolved_run_config).
runtime::RunConfig generation_run_config(const RuntimeFlags& runtime_flags, const GenerationFlags& flags,
                                         const runtime::Model& model, uint64_t sequences = 1);
// n_predict and the deadline; throws runtime::Error for an unknown --on-deadline.
runtime::GenerationOptions generation_options(const GenerationFlags& flags, int64_t n_predict);

}  // namespace cli
