// Hyper-parameters of a model of the llama family or one the same forward pass runs with a few switches
// (Qwen2: q/k/v biases and NeoX RoPE; Gemma: scaled embeddings, GeGLU, NeoX RoPE; Phi-2: LayerNorm, biases,
// a GELU MLP in parallel with attention, partial NeoX RoPE), read from GGUF metadata (`<arch>.*` keys, arch from
// general.architecture).
#pragma once

#include <cstdint>
#include <string>

#include "kernels/common/rope.h"

namespace gguf {
class File;
}

namespace runtime {

enum class FeedForward {
    SwiGLU,  // down(silu(gate(x)) * up(x))
    GeGLU,   // down(gelu(gate(x)) * up(x))  (Gemma)
    Gelu,    // down(gelu(up(x)))            (Phi-2)
};

struct ModelConfig {
    std::string architecture;   // general.architecture, e.g. "llama"
    int64_t n_vocab = 0;        // rows of token_embd
    int64_t n_embd = 0;         // width of the residual stream
    int64_t n_layer = 0;
    int64_t n_head = 0;         // query heads
    int64_t n_head_kv = 0;      // key/value heads (GQA: n_head % n_head_kv == 0)
    int64_t head_dim = 0;       // attention.key_length, else n_embd / n_head
    int64_t n_ff = 0;           // SwiGLU hidden width
    int64_t n_ctx_train = 0;    // context_length
    int64_t rope_dim = 0;       // rope.dimension_count, else head_dim
    float rope_freq_base = 10000.0f;
    float norm_eps = 1e-5f;      // of RMSNorm (layer_norm_rms_epsilon), or of LayerNorm (layer_norm_epsilon)
    kernels::RopeStyle rope_style = kernels::RopeStyle::Adjacent;  // qwen2: NeoX halves
    bool qkv_bias = false;      // qwen2: attn_q/k/v.bias added after the projections
    bool rope_freqs = false;    // llama: an optional rope_freqs tensor divides the angles (Llama 3)
    float embed_scale = 1.0f;   // gemma: the embeddings times sqrt(n_embd)
    FeedForward ffn = FeedForward::SwiGLU;
    bool layer_norm = false;    // phi2: LayerNorm with a bias for every norm, instead of RMSNorm
    bool linear_biases = false; // phi2: biases on attn_output, ffn_up, ffn_down and the output
    bool parallel_block = false;  // phi2: the MLP takes the attention's normed input; both add to the residual

    int64_t q_width() const { return n_head * head_dim; }
    int64_t kv_width() const { return n_head_kv * head_dim; }

    // Throws runtime::Error naming the file and key for an unsupported architecture, a missing key or values
    // that do not make a model (zero sizes, head counts that do not divide, odd or oversized rope dims).
    // n_vocab is left 0: it comes from the token_embd tensor.
    static ModelConfig from_gguf(const gguf::File& file);
};

}  // namespace runtime
