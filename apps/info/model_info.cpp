#include "apps/info/model_info.h"

#include <map>
#include <stdexcept>

#include "apps/info/info_error.h"
#include "gguf/gguf_file.h"
#include "src/model_config.h"
#include "tokenizer/vocab.h"

namespace info {
namespace {

constexpr float kDefaultRopeBase = 10000.0f;

std::optional<uint64_t> uint_key(const gguf::File& file, const std::string& key) {
    if (!file.has(key)) return std::nullopt;
    return file.get_uint(key);
}

std::optional<float> float_key(const gguf::File& file, const std::string& key) {
    if (!file.has(key)) return std::nullopt;
    return static_cast<float>(file.get_float(key));
}

HyperParameters read_hyper_parameters(const gguf::File& file) {
    HyperParameters h;
    h.architecture = file.get_string_or("general.architecture", "");
    if (h.architecture.empty()) return h;
    const std::string prefix = h.architecture + ".";
    h.n_layers = uint_key(file, prefix + "block_count");
    h.n_embd = uint_key(file, prefix + "embedding_length");
    h.n_ff = uint_key(file, prefix + "feed_forward_length");
    h.n_head = uint_key(file, prefix + "attention.head_count");
    h.n_head_kv = uint_key(file, prefix + "attention.head_count_kv");
    if (!h.n_head_kv) h.n_head_kv = h.n_head;
    h.head_dim = uint_key(file, prefix + "attention.key_length");
    if (!h.head_dim && h.n_embd && h.n_head && *h.n_head != 0 && *h.n_embd % *h.n_head == 0)
        h.head_dim = *h.n_embd / *h.n_head;
    h.rope_dims = uint_key(file, prefix + "rope.dimension_count");
    if (!h.rope_dims) h.rope_dims = h.head_dim;
    h.rope_base = float_key(file, prefix + "rope.freq_base");
    if (!h.rope_base && h.n_layers) {
        h.rope_base = kDefaultRopeBase;
        h.rope_base_is_default = true;
    }
    h.rms_eps = float_key(file, prefix + "attention.layer_norm_rms_epsilon");
    h.layer_norm_eps = float_key(file, prefix + "attention.layer_norm_epsilon");
    h.context_length = uint_key(file, prefix + "context_length");
    return h;
}

std::optional<int64_t> token_id(tokenizer::TokenId id) {
    if (id == tokenizer::kNoToken) return std::nullopt;
    return id;
}

TokenizerSummary read_tokenizer(const gguf::File& file) {
    TokenizerSummary t;
    t.model = file.get_string_or("tokenizer.ggml.model", "");
    if (t.model.empty()) return t;
    t.pre = file.get_string_or("tokenizer.ggml.pre", "");
    if (file.has("tokenizer.ggml.tokens")) t.vocab_size = file.get_string_array("tokenizer.ggml.tokens").size();
    t.add_bos_from_metadata = file.has("tokenizer.ggml.add_bos_token");
    try {
        const tokenizer::Vocab vocab = tokenizer::load_vocab(file);
        t.bos = token_id(vocab.bos);
        t.eos = token_id(vocab.eos);
        t.unk = token_id(vocab.unk);
        t.pad = token_id(vocab.pad);
        t.add_bos = vocab.add_bos;
    } catch (const std::exception& e) {  // an unsupported or inconsistent tokenizer: report it, describe the rest
        t.load_error = e.what();
    }
    return t;
}

const char* feed_forward_name(runtime::FeedForward ffn) {
    switch (ffn) {
        case runtime::FeedForward::SwiGLU: return "SwiGLU";
        case runtime::FeedForward::GeGLU: return "GeGLU";
        case runtime::FeedForward::Gelu: return "GELU";
    }
    return "?";
}

ForwardPass read_forward_pass(const gguf::File& file) {
    ForwardPass f;
    try {
        const runtime::ModelConfig c = runtime::ModelConfig::from_gguf(file);
        f.norm = c.layer_norm ? "LayerNorm" : "RMSNorm";
        f.feed_forward = feed_forward_name(c.ffn);
        f.rope = c.rope_style == kernels::RopeStyle::Neox ? "NeoX halves" : "adjacent pairs";
        f.rope_freqs = c.rope_freqs && file.find_tensor("rope_freqs.weight") != nullptr;
        f.qkv_biases = c.qkv_bias;
        f.linear_biases = c.linear_biases;
        f.parallel_block = c.parallel_block;
        f.embed_scale = c.embed_scale;
    } catch (const std::exception& e) {  // an architecture or hyper-parameters the runtime refuses
        f.error = e.what();
    }
    return f;
}

}  // namespace

ModelInfo describe_model(const gguf::File& file) {
    ModelInfo info;
    info.name = file.get_string_or("general.name", "");
    info.hparams = read_hyper_parameters(file);
    info.tokenizer = read_tokenizer(file);
    if (!info.hparams.architecture.empty()) info.forward = read_forward_pass(file);

    std::map<uint32_t, TypeTotal> by_type;
    for (const auto& t : file.tensors()) {
        TypeTotal& total = by_type.try_emplace(static_cast<uint32_t>(t.type), TypeTotal{t.type}).first->second;
        ++total.tensors;
        total.elements += t.n_elements;
        total.bytes += t.n_bytes;
        info.parameters += t.n_elements;
        info.tensor_bytes += t.n_bytes;  // tensors lie inside the file without overlapping: no overflow
    }
    for (const auto& [id, total] : by_type) info.types.push_back(total);

    info.n_vocab = info.tokenizer.vocab_size;
    if (info.n_vocab == 0)
        if (const auto* embd = file.find_tensor("token_embd.weight")) info.n_vocab = embd->ne[1];
    return info;
}

}  // namespace info
