// `sparse-llm info model.gguf`: what a GGUF file holds — model, hyper-parameters, tokenizer, tensors, bytes per
// type, parameters and the memory a run needs; `--json` for one JSON object; `--tensor NAME [--dump out.f32]`
// for one tensor's values. `info --system` describes the machine instead (system_report.h).
#include <optional>
#include <string>

#include <fmt/format.h>

#include "apps/cli/command.h"
#include "apps/cli/flag_checks.h"
#include "apps/cli/printable.h"
#include "apps/info/memory_estimate.h"
#include "apps/info/model_info.h"
#include "apps/info/system_report.h"
#include "apps/info/tensor_dump.h"
#include "apps/report/json_writer.h"
#include "gguf/gguf_file.h"

namespace info {
namespace {

constexpr uint64_t kFallbackContext = 2048;  // for the memory estimate when the file names no context length
constexpr size_t kFirstValues = 8;

struct InfoOptions {
    std::string model;
    uint64_t context = 0;  // 0: the model's context length
    bool json = false;
    std::string tensor;
    std::string dump;
    bool system = false;
};

std::vector<uint64_t> shape_of(const gguf::TensorInfo& t) { return {t.ne.begin(), t.ne.begin() + t.n_dims}; }

template <typename T>
std::string or_dash(const std::optional<T>& value) {
    return value ? fmt::format("{}", *value) : "-";
}

std::string or_dash(const std::string& text) { return text.empty() ? "-" : cli::printable(text); }

std::string mib(uint64_t bytes) { return fmt::format("{:.1f} MiB", static_cast<double>(bytes) / (1024.0 * 1024.0)); }

std::string add_bos_source(const TokenizerSummary& t) {
    return t.add_bos_from_metadata ? "tokenizer.ggml.add_bos_token"
                                   : fmt::format("llama.cpp's default for '{}'", t.model);
}

void print_forward_pass(const ForwardPass& f, const std::string& architecture) {
    if (architecture.empty()) return;
    if (!f.error.empty()) {
        fmt::print("forward pass: not runnable here: {}\n", cli::printable(f.error));
        return;
    }
    std::string extras;
    if (f.rope_freqs) extras += ", rope_freqs factors";
    if (f.qkv_biases) extras += ", q/k/v biases";
    if (f.linear_biases) extras += ", output and MLP biases";
    if (f.parallel_block) extras += ", attention and MLP in parallel";
    if (f.embed_scale != 1.0f) extras += fmt::format(", embeddings x {}", f.embed_scale);
    fmt::print("forward pass: {}, {}, RoPE on {}{}\n", f.norm, f.feed_forward, f.rope, extras);
}

void print_text(const gguf::File& file, const ModelInfo& info, const std::optional<MemoryEstimate>& memory) {
    const auto& h = info.hparams;
    const auto& tok = info.tokenizer;
    fmt::print("file: {}\n", cli::printable(file.source()));
    fmt::print("  {} bytes, GGUF v{}, {} metadata keys, {} tensors, alignment {}, data at byte {}\n",
               file.file_size(), file.version(), file.metadata().size(), file.tensors().size(), file.alignment(),
               file.data_offset());
    fmt::print("model: {} (architecture {})\n", or_dash(info.name), or_dash(h.architecture));
    fmt::print("hyper-parameters:\n");
    fmt::print("  layers {}, embd {}, ff {}, heads {}, kv heads {}, head_dim {}\n", or_dash(h.n_layers),
               or_dash(h.n_embd), or_dash(h.n_ff), or_dash(h.n_head), or_dash(h.n_head_kv), or_dash(h.head_dim));
    fmt::print("  rope dims {}, rope base {}{}, rms eps {}{}, context {}\n", or_dash(h.rope_dims), or_dash(h.rope_base),
               h.rope_base_is_default ? " (default)" : "", or_dash(h.rms_eps),
               h.layer_norm_eps ? fmt::format(", layer-norm eps {}", *h.layer_norm_eps) : "", or_dash(h.context_length));
    print_forward_pass(info.forward, h.architecture);
    fmt::print("tokenizer: {}, pre {}, vocab {}\n", or_dash(tok.model), or_dash(tok.pre), tok.vocab_size);
    if (!tok.model.empty() && tok.load_error.empty())
        fmt::print("  bos {}, eos {}, unk {}, pad {}, add_bos {} ({})\n", or_dash(tok.bos), or_dash(tok.eos),
                   or_dash(tok.unk), or_dash(tok.pad), *tok.add_bos, add_bos_source(tok));
    if (!tok.load_error.empty()) fmt::print("  not usable here: {}\n", cli::printable(tok.load_error));

    fmt::print("tensors:\n");
    for (const auto& t : file.tensors())
        fmt::print("  {:<32} {:<7} {:<20} {:>12} bytes\n", cli::printable(t.name), gguf::ggml_type_name(t.type),
                   fmt::format("[{}]", fmt::join(shape_of(t), ", ")), t.n_bytes);
    fmt::print("bytes per type:\n");
    for (const auto& type : info.types)
        fmt::print("  {:<7} {:>5} tensors {:>14} params {:>14} bytes\n", gguf::ggml_type_name(type.type), type.tensors,
                   type.elements, type.bytes);
    fmt::print("parameters: {} ({} bytes of tensor data)\n", info.parameters, info.tensor_bytes);

    if (!memory) {
        fmt::print("memory: no estimate (no tensors, or no model hyper-parameters)\n");
        return;
    }
    fmt::print("memory of a run that fills a context of {} (estimate of the peak RSS):\n", memory->context);
    const auto line = [](const char* what, uint64_t bytes) { fmt::print("  {:<38} {:>14} bytes  {}\n", what, bytes, mib(bytes)); };
    for (const MemoryEstimate::Part& part : memory->parts) line(part.label, part.bytes);
    line("total", memory->total());
}

void write_tensor(report::JsonWriter& json, const gguf::TensorInfo& t) {
    json.begin_object().key("name").value(t.name).key("type").value(gguf::ggml_type_name(t.type));
    json.key("shape").begin_array();
    for (const uint64_t ne : shape_of(t)) json.value(ne);
    json.end_array().key("bytes").value(t.n_bytes).key("offset").value(t.offset).end_object();
}

// Absent metadata strings are null.
std::optional<std::string> present(const std::string& text) {
    if (text.empty()) return std::nullopt;
    return text;
}

void print_json(const gguf::File& file, const ModelInfo& info, const std::optional<MemoryEstimate>& memory) {
    const auto& h = info.hparams;
    const auto& tok = info.tokenizer;
    report::JsonWriter json;
    json.begin_object();
    json.key("file").value(file.source()).key("file_size").value(file.file_size());
    json.key("gguf_version").value(file.version()).key("alignment").value(file.alignment());
    json.key("data_offset").value(file.data_offset()).key("metadata_keys").value(file.metadata().size());
    json.key("name").value(present(info.name)).key("architecture").value(present(h.architecture));

    json.key("hyperparameters").begin_object();
    json.key("n_layers").value(h.n_layers).key("n_embd").value(h.n_embd).key("n_ff").value(h.n_ff);
    json.key("n_head").value(h.n_head).key("n_head_kv").value(h.n_head_kv).key("head_dim").value(h.head_dim);
    json.key("rope_dims").value(h.rope_dims).key("rope_base").value(h.rope_base);
    json.key("rope_base_is_default").value(h.rope_base_is_default);
    json.key("rms_eps").value(h.rms_eps).key("layer_norm_eps").value(h.layer_norm_eps);
    json.key("context_length").value(h.context_length);
    json.end_object();

    if (!h.architecture.empty()) {
        const ForwardPass& f = info.forward;
        json.key("forward_pass").begin_object();
        json.key("norm").value(present(f.norm)).key("feed_forward").value(present(f.feed_forward));
        json.key("rope").value(present(f.rope)).key("rope_freqs").value(f.rope_freqs);
        json.key("qkv_biases").value(f.qkv_biases).key("linear_biases").value(f.linear_biases);
        json.key("parallel_block").value(f.parallel_block).key("embed_scale").value(f.embed_scale);
        json.key("error").value(present(f.error));
        json.end_object();
    }

    json.key("tokenizer").begin_object();
    json.key("model").value(present(tok.model)).key("pre").value(present(tok.pre)).key("vocab_size").value(tok.vocab_size);
    json.key("bos_id").value(tok.bos).key("eos_id").value(tok.eos).key("unk_id").value(tok.unk);
    json.key("pad_id").value(tok.pad).key("add_bos").value(tok.add_bos);
    json.key("add_bos_source");
    if (tok.add_bos) json.value(add_bos_source(tok));
    else json.null();
    json.key("load_error").value(present(tok.load_error));
    json.end_object();

    json.key("tensors").begin_array();
    for (const auto& t : file.tensors()) write_tensor(json, t);
    json.end_array();
    json.key("types").begin_array();
    for (const auto& type : info.types)
        json.begin_object()
            .key("type").value(gguf::ggml_type_name(type.type))
            .key("tensors").value(type.tensors)
            .key("parameters").value(type.elements)
            .key("bytes").value(type.bytes)
            .end_object();
    json.end_array();
    json.key("parameters").value(info.parameters).key("tensor_bytes").value(info.tensor_bytes);

    json.key("memory");
    if (memory) {
        json.begin_object().key("context").value(memory->context);
        for (const MemoryEstimate::Part& part : memory->parts) json.key(part.key).value(part.bytes);
        json.key("total").value(memory->total()).end_object();
    } else {
        json.null();
    }
    json.end_object();
    fmt::print("{}\n", json.str());
}

void show_tensor(const gguf::File& file, const InfoOptions& options) {
    const gguf::TensorInfo& t = file.tensor(options.tensor);
    if (!options.dump.empty()) dump_tensor_f32(t, options.dump);
    const auto first = first_values(t, kFirstValues);
    if (options.json) {
        report::JsonWriter json;
        json.begin_object().key("tensor");
        write_tensor(json, t);
        json.key("first").begin_array();
        for (const float v : first) json.value(v);
        json.end_array().key("dump");
        if (options.dump.empty()) json.null();
        else json.value(options.dump);
        json.end_object();
        fmt::print("{}\n", json.str());
        return;
    }
    fmt::print("{}: {} [{}], {} bytes at data-section offset {}\n", cli::printable(t.name), gguf::ggml_type_name(t.type),
               fmt::join(shape_of(t), ", "), t.n_bytes, t.offset);
    fmt::print("first values: {}\n", fmt::join(first, " "));
    if (!options.dump.empty()) fmt::print("wrote {} float32 values to {}\n", t.n_elements, options.dump);
}

int run_info(const InfoOptions& options) {
    if (options.system) {
        print_system_report(options.json);
        return 0;
    }
    const ProcessMeter meter;  // before the file is read: what the program itself holds
    const gguf::File file = gguf::File::open(options.model);
    if (!options.tensor.empty()) {
        show_tensor(file, options);
        return 0;
    }
    const ProcessMemory process = meter.measure(file);
    const ModelInfo info = describe_model(file);
    const uint64_t context =
        options.context != 0 ? options.context : info.hparams.context_length.value_or(kFallbackContext);
    const auto memory = estimate_memory(info, file.file_size(), context, process);
    if (options.json) print_json(file, info, memory);
    else print_text(file, info, memory);
    return 0;
}

}  // namespace

void add_command(CLI::App& parent, cli::CommandList& commands) {
    auto options = std::make_shared<InfoOptions>();
    CLI::App* sub =
        parent.add_subcommand("info", "Describe a GGUF file: model, tokenizer, tensors, memory (--system: this machine)");
    CLI::Option* model = sub->add_option("model", options->model, "GGUF file (required unless --system)");
    sub->add_option("-c,--context", options->context,
                    "Context length for the memory estimate (default: the model's context length)")
        ->check(cli::flags::integer(1, int64_t{1} << 32));
    sub->add_flag("--json", options->json, "Print one JSON object");
    CLI::Option* tensor = sub->add_option("--tensor", options->tensor, "Show one tensor and its first values")
        ->check(cli::flags::not_empty());
    sub->add_option("--dump", options->dump, "With --tensor: write it dequantized as raw little-endian float32")
        ->needs(tensor)
        ->check(cli::flags::not_empty());
    sub->add_flag("--system", options->system,
                  "Describe this machine instead: CPU, its features, the kernels' instruction sets and the one in use")
        ->excludes(model)
        ->excludes(tensor);
    sub->parse_complete_callback([options] {
        if (!options->system && options->model.empty()) throw CLI::RequiredError("model");
    });
    commands.push_back({sub, [options] { return run_info(*options); }});
}

}  // namespace info
