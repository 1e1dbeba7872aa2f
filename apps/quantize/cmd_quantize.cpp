// `sparse-llm quantize in.gguf out.gguf --type q4_k_m [--pure]`: llama.cpp's quantizer, reproduced.
#include <thread>

#include <fmt/format.h>

#include "apps/cli/command.h"
#include "apps/cli/runtime_flags.h"
#include "apps/quantize/model_quantize.h"
#include "gguf/file_type.h"

namespace quantize {
namespace {

struct QuantizeOptions {
    std::string input, output, type;
    bool pure = false;
    unsigned threads = 0;
};

int run_quantize(const QuantizeOptions& options) {
    QuantizeRequest request;
    request.input = options.input;
    request.output = options.output;
    request.file_type = *gguf::file_type_from_name(options.type);
    request.pure = options.pure;
    request.threads = options.threads > 0 ? options.threads : std::max(1u, std::thread::hardware_concurrency());
    const auto tensors = quantize_model(request);

    uint64_t bytes_in = 0, bytes_out = 0;
    int fell_back = 0;
    for (const auto& t : tensors) {
        fmt::print("{:<32} [{:>5}] {:>5} -> {:<5} {:>10} -> {:>10} bytes{}\n", t.name, fmt::join(t.shape, ", "),
                   gguf::ggml_type_name(t.from), gguf::ggml_type_name(t.to), t.bytes_in, t.bytes_out,
                   t.fell_back ? "  (row width does not fit: fallback)" : "");
        bytes_in += t.bytes_in;
        bytes_out += t.bytes_out;
        fell_back += t.fell_back;
    }
    fmt::print("{}: {} tensors, {:.2f} MiB -> {:.2f} MiB ({}{}){}\n", request.output, tensors.size(),
               bytes_in / 1048576.0, bytes_out / 1048576.0, request.file_type.name, options.pure ? ", pure" : "",
               fell_back > 0 ? fmt::format(", {} fell back", fell_back) : "");
    return 0;
}

}  // namespace

void add_command(CLI::App& parent, cli::CommandList& commands) {
    auto options = std::make_shared<QuantizeOptions>();
    CLI::App* sub = parent.add_subcommand("quantize", "Quantize a GGUF model as llama.cpp's llama-quantize does");
    sub->add_option("input", options->input, "GGUF model to read (any type we can dequantize)")->required();
    sub->add_option("output", options->output, "GGUF file to write")->required();
    const auto names = gguf::file_type_names();
    sub->add_option("--type", options->type, "File type: " + fmt::format("{}", fmt::join(names, ", ")))
        ->required()
        ->check([](const std::string& name) {
            return gguf::file_type_from_name(name) ? std::string() : "unknown type '" + name + "'";
        });
    sub->add_flag("--pure", options->pure, "Every quantizable tensor in the one type (no mix, no q6_K output)");
    cli::add_threads_flag(*sub, options->threads, "Threads (default: all cores)");
    commands.push_back({sub, [options] { return run_quantize(*options); }});
}

}  // namespace quantize
