// A model of a family the one forward pass runs (llama, mistral, qwen2, gemma, phi2: src/model_config.h)
// bound to its GGUF file: hyper-parameters and every weight, by llama.cpp's tensor names, shape-checked, kept
// quantized in the memory-mapped file (nothing is copied or dequantized).
//
//   const runtime::Model model = runtime::Model::open("smollm2-135m-q4_0.gguf");
//   model.config().n_layer;  model.layer(0).wq;  model.file();  // file() also feeds the tokenizer
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "gguf/gguf_file.h"
#include "kernels/matmul/matmul.h"
#include "src/model_config.h"

namespace runtime {

// One transformer block. Matrices are rows x cols = out x in (GGUF ne = {in, out}); norms and biases are f32
// vectors, nullptr where the family has none.
struct LayerWeights {
    const float* attn_norm;   // (n_embd)
    const float* attn_norm_b = nullptr;  // (n_embd) LayerNorm's bias (phi2)
    kernels::Matrix wq;       // (n_head * head_dim, n_embd)
    kernels::Matrix wk;       // (n_head_kv * head_dim, n_embd)
    kernels::Matrix wv;       // (n_head_kv * head_dim, n_embd)
    const float* bq = nullptr;  // (n_head * head_dim) with ModelConfig::qkv_bias, else nullptr
    const float* bk = nullptr;  // (n_head_kv * head_dim)
    const float* bv = nullptr;  // (n_head_kv * head_dim)
    kernels::Matrix wo;       // (n_embd, n_head * head_dim)
    const float* bo = nullptr;  // (n_embd) with ModelConfig::linear_biases
    const float* ffn_norm = nullptr;  // (n_embd); none with a parallel block, whose MLP takes attn_norm's output
    kernels::Matrix w_gate{};   // (n_ff, n_embd); none for FeedForward::Gelu
    kernels::Matrix w_up;     // (n_ff, n_embd)
    kernels::Matrix w_down;   // (n_embd, n_ff)
    const float* b_up = nullptr;    // (n_ff) with ModelConfig::linear_biases
    const float* b_down = nullptr;  // (n_embd)
};

class Model {
public:
    // Maps and binds a GGUF file. Throws gguf::Error (unreadable file) or runtime::Error naming the file and
    // the tensor or key: unsupported architecture, missing tensor, wrong shape, unsupported type.
    static Model open(const std::string& path);
    static Model bind(gguf::File file);

    const ModelConfig& config() const { return config_; }
    const gguf::File& file() const { return file_; }
    const LayerWeights& layer(int64_t i) const { return layers_[static_cast<size_t>(i)]; }

    // token_embd: (n_vocab, n_embd), any dequantizable type. Rows are fetched one token at a time.
    const kernels::Matrix& token_embd() const { return token_embd_; }
    const float* output_norm() const { return output_norm_; }   // (n_embd)
    const float* output_norm_bias() const { return output_norm_b_; }  // (n_embd) with LayerNorm, else nullptr
    const float* output_bias() const { return output_b_; }  // (n_vocab) with ModelConfig::linear_biases
    // output: (n_vocab, n_embd); token_embd itself when the file has no output.weight (tied embeddings).
    const kernels::Matrix& output() const { return output_; }
    bool tied_embeddings() const { return output_.data == token_embd_.data; }
    // rope_freqs (rope_dim / 2 divisors of the RoPE angles: Llama 3), or nullptr when the file has none.
    const float* rope_freqs() const { return rope_freqs_; }
    // The file's tensors the forward pass does not read (binding warns of them), in file order.
    const std::vector<std::string>& unused_tensors() const { return unused_tensors_; }

    // out[n_embd] = row `token` of token_embd, dequantized. token < n_vocab (the caller checks). False when the
    // row holds NaN or Inf (then bad_embedding(token) is the error to report).
    bool embed(int32_t token, float* out) const;
    std::string bad_embedding(int32_t token) const;

    // Bytes of weights one decode step reads: every layer matrix, the output matrix and norms (the embedding
    // row is negligible). Used for the achieved-bandwidth figure.
    uint64_t bytes_per_token() const;
    // Bytes of all tensor data in the file.
    uint64_t weight_bytes() const;

private:
    explicit Model(gguf::File file) : file_(std::move(file)) {}

    gguf::File file_;
    ModelConfig config_;
    std::vector<LayerWeights> layers_;
    kernels::Matrix token_embd_{};
    const float* output_norm_ = nullptr;
    const float* output_norm_b_ = nullptr;
    const float* output_b_ = nullptr;
    kernels::Matrix output_{};
    const float* rope_freqs_ = nullptr;
    std::vector<std::string> unused_tensors_;
};

}  // namespace runtime
