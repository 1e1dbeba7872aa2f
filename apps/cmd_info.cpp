// `sparse-llm info model.gguf`: what a GGUF file holds.
#include <fmt/format.h>

#include "apps/command.h"
#include "gguf/gguf_file.h"

namespace {

struct InfoOptions {
    std::string model;
};

int run_info(const InfoOptions& options) {
    const gguf::File file = gguf::File::open(options.model);
    fmt::print("file: {} ({} bytes, GGUF v{})\n", file.source(), file.file_size(), file.version());
    fmt::print("metadata: {} keys, tensors: {}\n", file.metadata().size(), file.tensors().size());
    for (const auto& t : file.tensors())
        fmt::print("  {:<32} {:<6} [{}] {} bytes\n", t.name, gguf::ggml_type_name(t.type),
                   fmt::join(t.ne.begin(), t.ne.begin() + t.n_dims, ", "), t.n_bytes);
    return 0;
}

}  // namespace

void add_info_command(CLI::App& parent, CommandList& commands) {
    auto options = std::make_shared<InfoOptions>();
    CLI::App* sub = parent.add_subcommand("info", "Describe a GGUF file: metadata, tensors, memory");
    sub->add_option("model", options->model, "GGUF file")->required();
    commands.push_back({sub, [options] { return run_info(*options); }});
}
