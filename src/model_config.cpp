#include "src/model_config.h"

#include <cmath>

#include <fmt/format.h>

#include "gguf/gguf_file.h"
#include "src/runtime_error.h"

namespace runtime {
namespace {

// Architectures whose GGUF tensors and graph are llama's (token_embd, attn_q/k/v/output, ffn_gate/up/down,
// RMSNorm, SwiGLU), and what sets each apart.
struct Family {
    const char* architecture;
    kernels::RopeStyle rope_style;
    FeedForward ffn;
    bool rope_freqs;         // may have a rope_freqs tensor
    bool qkv_bias;
    bool scaled_embeddings;  // by sqrt(n_embd)
    bool phi_block;          // LayerNorm, biases on every matrix, the MLP in parallel with attention
};
using kernels::RopeStyle;
constexpr Family kFamilies[] = {
    //                                         rope_freqs qkv_bias scaled phi
    {"llama", RopeStyle::Adjacent, FeedForward::SwiGLU, true, false, false, false},
    {"mistral", RopeStyle::Adjacent, FeedForward::SwiGLU, true, false, false, false},
    {"qwen2", RopeStyle::Neox, FeedForward::SwiGLU, false, true, false, false},
    {"gemma", RopeStyle::Neox, FeedForward::GeGLU, false, false, true, false},
    {"phi2", RopeStyle::Neox, FeedForward::Gelu, false, true, false, true},
};

const Family* family_of(const std::string& architecture) {
    for (const Family& f : kFamilies)
        if (architecture == f.architecture) return &f;
    return nullptr;
}

class ConfigReader {
public:
    ConfigReader(const gguf::File& file, std::string arch) : file_(file), arch_(std::move(arch)) {}

    int64_t count(const char* key) const { return positive(key, file_.get_uint(full(key))); }
    int64_t count_or(const char* key, int64_t fallback) const {
        return file_.has(full(key)) ? count(key) : fallback;
    }
    float real_or(const char* key, float fallback) const {
        return static_cast<float>(file_.get_float_or(full(key), fallback));
    }
    [[noreturn]] void fail(const std::string& what) const {
        throw Error(fmt::format("{}: {}", file_.source(), what));
    }

private:
    std::string full(const char* key) const { return arch_ + "." + key; }
    int64_t positive(const char* key, uint64_t value) const {
        if (value == 0 || value > (uint64_t{1} << 31))
            fail(fmt::format("metadata '{}' = {} is not a usable size", full(key), value));
        return static_cast<int64_t>(value);
    }

    const gguf::File& file_;
    std::string arch_;
};

}  // namespace

ModelConfig ModelConfig::from_gguf(const gguf::File& file) {
    ModelConfig c;
    c.architecture = std::string(file.get_string("general.architecture"));
    const Family* family = family_of(c.architecture);
    if (!family)
        throw Error(fmt::format("{}: unsupported architecture '{}' (supported: llama, mistral, qwen2, gemma, phi2)", file.source(),
                                c.architecture));
    c.rope_style = family->rope_style;
    c.qkv_bias = family->qkv_bias;
    c.rope_freqs = family->rope_freqs;
    c.ffn = family->ffn;
    c.layer_norm = c.linear_biases = c.parallel_block = family->phi_block;
    const ConfigReader read(file, c.architecture);
    c.n_embd = read.count("embedding_length");
    c.n_layer = read.count("block_count");
    c.n_ff = read.count("feed_forward_length");
    c.n_head = read.count("attention.head_count");
    c.n_head_kv = read.count_or("attention.head_count_kv", c.n_head);
    c.n_ctx_train = read.count("context_length");
    if (c.n_head % c.n_head_kv != 0)
        read.fail(fmt::format("{} query heads are not a multiple of {} key/value heads", c.n_head, c.n_head_kv));
    if (c.n_embd % c.n_head != 0 && !file.has(c.architecture + ".attention.key_length"))
        read.fail(fmt::format("embedding width {} is not a multiple of {} heads", c.n_embd, c.n_head));
    c.head_dim = read.count_or("attention.key_length", c.n_embd / c.n_head);
    if (read.count_or("attention.value_length", c.head_dim) != c.head_dim)
        read.fail("attention.value_length differs from attention.key_length (unsupported)");
    c.rope_dim = read.count_or("rope.dimension_count", c.head_dim);
    if (c.rope_dim % 2 != 0 || c.rope_dim > c.head_dim)
        read.fail(fmt::format("rope.dimension_count {} must be even and at most the head size {}", c.rope_dim,
                              c.head_dim));
    c.rope_freq_base = read.real_or("rope.freq_base", 10000.0f);
    const char* eps_key = c.layer_norm ? "attention.layer_norm_epsilon" : "attention.layer_norm_rms_epsilon";
    c.norm_eps = read.real_or(eps_key, 1e-5f);
    if (!std::isfinite(c.rope_freq_base) || !(c.rope_freq_base > 0.0f) || !std::isfinite(c.norm_eps) ||
        !(c.norm_eps >= 0.0f))
        read.fail(fmt::format("rope.freq_base {} / {} {} out of range", c.rope_freq_base, eps_key, c.norm_eps));
    if (family->scaled_embeddings) c.embed_scale = std::sqrt(static_cast<float>(c.n_embd));
    return c;
}

}  // namespace runtime
