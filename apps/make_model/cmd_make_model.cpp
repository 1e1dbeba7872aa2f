// `sparse-llm make-model OUT.gguf`: a random-weight SmolLM2-135M-shaped model (dev tool for speed and memory
// runs at real shapes; scripts/make-test-models.sh drives it).
#include <fmt/format.h>

#include "apps/cli/command.h"
#include "apps/cli/flag_checks.h"
#include "apps/make_model/make_model_error.h"
#include "apps/make_model/synthetic_model.h"
#include "gguf/gguf_file.h"

namespace make_model {
namespace {

struct MakeModelOptions {
    std::string output, type = "f16", vocab_from, tokenizer_pre = "smollm";
    int64_t layers = 4;
    uint64_t seed = 1;
};

int run_make_model(const MakeModelOptions& o) {
    const auto type = gguf::ggml_type_from_name(o.type);
    if (!type) throw Error(fmt::format("unknown tensor type '{}'", o.type));
    SyntheticModelSpec spec = SyntheticModelSpec::smollm2_shape(o.layers, *type);
    spec.name = fmt::format("random SmolLM2-135M-shaped, {} layers", o.layers);
    spec.vocab_from = o.vocab_from;
    spec.tokenizer_pre = o.vocab_from.empty() ? "" : o.tokenizer_pre;
    spec.seed = o.seed;
    const SyntheticModel model(spec);
    model.write(o.output);
    fmt::print("{}: {} layers, {} tokens, {}\n", o.output, o.layers, model.spec.n_vocab, o.type);
    return 0;
}

}  // namespace

void add_command(CLI::App& parent, cli::CommandList& commands) {
    auto o = std::make_shared<MakeModelOptions>();
    CLI::App* sub = parent.add_subcommand("make-model", "Write a random-weight SmolLM2-135M-shaped GGUF (dev tool)");
    sub->add_option("output", o->output, "GGUF file to write")->required();
    sub->add_option("--layers", o->layers, "Transformer blocks")->capture_default_str()->check(cli::flags::integer(1, 64));
    sub->add_option("--type", o->type, "Type of the 2-D tensors (f32, f16, q8_0, q4_0, ...)")->capture_default_str();
    sub->add_option("--vocab-from", o->vocab_from, "Copy the tokenizer from this GGUF (e.g. the starcoder vocab)");
    sub->add_option("--tokenizer-pre", o->tokenizer_pre, "tokenizer.ggml.pre to set with --vocab-from")->capture_default_str();
    sub->add_option("--seed", o->seed, "Random seed")->capture_default_str()->check(cli::flags::unsigned64());
    commands.push_back({sub, [o] { return run_make_model(*o); }});
}

}  // namespace make_model
