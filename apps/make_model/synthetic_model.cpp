#include "apps/make_model/synthetic_model.h"

#include <cmath>

#include "apps/make_model/make_model_error.h"
#include "gguf/gguf_file.h"
#include "gguf/gguf_writer.h"
#include "gguf/quant/quant.h"
#include "src/rng.h"

namespace make_model {
namespace {

uint64_t name_hash(const std::string& name) {  // FNV-1a 64
    uint64_t h = 0xcbf29ce484222325ull;
    for (unsigned char c : name) h = (h ^ c) * 0x100000001b3ull;
    return h;
}

// Copies every tokenizer.* key of `path` (and returns its token count), replacing tokenizer.ggml.pre if asked.
int64_t copy_vocabulary(gguf::Writer& writer, const std::string& path, const std::string& pre) {
    const gguf::File vocab = gguf::File::open(path);
    for (const auto& [key, value] : vocab.metadata()) {
        if (key.substr(0, 10) != "tokenizer.") continue;
        if (key == "tokenizer.ggml.pre" && !pre.empty()) continue;
        writer.add_value(key, value);
    }
    if (!pre.empty()) writer.add_string("tokenizer.ggml.pre", pre);
    return static_cast<int64_t>(vocab.get_string_array("tokenizer.ggml.tokens").size());
}

}  // namespace

SyntheticModelSpec SyntheticModelSpec::smollm2_shape(int64_t n_layer, gguf::GgmlType type) {
    SyntheticModelSpec s;
    s.name = "synthetic-smollm2-shape";
    s.n_embd = 576;
    s.n_ff = 1536;
    s.n_layer = n_layer;
    s.n_head = 9;
    s.n_head_kv = 3;
    s.n_vocab = 49152;
    s.n_ctx = 8192;
    s.rope_freq_base = 100000.0f;
    s.tied = true;
    s.type = type;
    return s;
}

SyntheticModel::SyntheticModel(SyntheticModelSpec model_spec) : spec(std::move(model_spec)) {
    if (!spec.vocab_from.empty()) {  // only to learn the vocabulary size; the keys are copied when writing
        gguf::Writer probe;
        spec.n_vocab = copy_vocabulary(probe, spec.vocab_from, spec.tokenizer_pre);
    }
    const auto u = [](int64_t v) { return static_cast<uint64_t>(v); };
    const int64_t q_width = spec.n_embd / spec.n_head * spec.n_head;
    const int64_t kv_width = spec.n_embd / spec.n_head * spec.n_head_kv;
    const auto matrix = [&](std::string name, int64_t cols, int64_t rows) {
        tensors.push_back({std::move(name), {u(cols), u(rows)}, spec.type, 1.0f / std::sqrt(float(cols)), false});
    };
    const auto norm = [&](std::string name) { tensors.push_back({std::move(name), {u(spec.n_embd)}, gguf::GgmlType::F32, 0.1f, true}); };

    tensors.push_back({"token_embd.weight", {u(spec.n_embd), u(spec.n_vocab)}, spec.type, 0.1f, false});
    norm("output_norm.weight");
    if (!spec.tied) matrix("output.weight", spec.n_embd, spec.n_vocab);
    for (int64_t i = 0; i < spec.n_layer; ++i) {
        const std::string blk = "blk." + std::to_string(i) + ".";
        norm(blk + "attn_norm.weight");
        matrix(blk + "attn_q.weight", spec.n_embd, q_width);
        matrix(blk + "attn_k.weight", spec.n_embd, kv_width);
        matrix(blk + "attn_v.weight", spec.n_embd, kv_width);
        matrix(blk + "attn_output.weight", q_width, spec.n_embd);
        norm(blk + "ffn_norm.weight");
        matrix(blk + "ffn_gate.weight", spec.n_embd, spec.n_ff);
        matrix(blk + "ffn_up.weight", spec.n_embd, spec.n_ff);
        matrix(blk + "ffn_down.weight", spec.n_ff, spec.n_embd);
    }
}

void SyntheticModel::fill(gguf::Writer& w) const {
    const std::string& arch = spec.architecture;
    const auto u32 = [](int64_t v) { return static_cast<uint32_t>(v); };
    w.add_string("general.architecture", arch);
    w.add_string("general.name", spec.name);
    w.add_u32(arch + ".context_length", u32(spec.n_ctx));
    w.add_u32(arch + ".embedding_length", u32(spec.n_embd));
    w.add_u32(arch + ".block_count", u32(spec.n_layer));
    w.add_u32(arch + ".feed_forward_length", u32(spec.n_ff));
    w.add_u32(arch + ".attention.head_count", u32(spec.n_head));
    w.add_u32(arch + ".attention.head_count_kv", u32(spec.n_head_kv));
    w.add_u32(arch + ".rope.dimension_count", u32(spec.n_embd / spec.n_head));
    w.add_f32(arch + ".rope.freq_base", spec.rope_freq_base);
    w.add_f32(arch + ".attention.layer_norm_rms_epsilon", spec.rms_eps);
    if (!spec.vocab_from.empty()) copy_vocabulary(w, spec.vocab_from, spec.tokenizer_pre);

    for (const Tensor& t : tensors) {
        const uint64_t seed = spec.seed ^ name_hash(t.name);
        w.add_tensor(t.name, t.type, t.shape, [t, seed](uint8_t* dst, size_t n_bytes) {
            const uint64_t cols = t.shape[0];
            const uint64_t rows = cols ? n_bytes / *gguf::ggml_row_bytes(t.type, cols) : 0;
            const size_t row_bytes = rows ? n_bytes / rows : 0;
            std::vector<float> row(cols);
            runtime::Rng rng(seed);
            const double half_width = std::sqrt(3.0) * t.scale;  // uniform with standard deviation `scale`
            for (uint64_t r = 0; r < rows; ++r) {
                for (float& x : row) x = static_cast<float>((rng.uniform() * 2.0 - 1.0) * half_width + (t.is_norm ? 1.0 : 0.0));
                gguf::quantize_row(t.type, row.data(), dst + r * row_bytes, static_cast<int64_t>(cols));
            }
        });
    }
}

SyntheticModel::Tensor& SyntheticModel::tensor(const std::string& name) {
    for (Tensor& t : tensors)
        if (t.name == name) return t;
    throw Error("synthetic model has no tensor '" + name + "'");
}

void SyntheticModel::write(const std::string& path) const {
    gguf::Writer writer;
    fill(writer);
    writer.write(path);
}

std::vector<uint8_t> SyntheticModel::to_bytes() const {
    gguf::Writer writer;
    fill(writer);
    return writer.to_bytes();
}

}  // namespace make_model
