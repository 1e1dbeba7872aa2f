// What a GGUF file says about its model, read from the metadata and tensor table alone (no tensor data):
// hyper-parameters, tokenizer, bytes per tensor type, parameter count. `sparse-llm info` prints it, with the
// memory a run needs (apps/info/memory_estimate.h).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "gguf/quant/ggml_type.h"

namespace gguf {
class File;
}

namespace info {

// The "<architecture>.*" keys of a llama-family model; absent keys stay empty, llama.cpp's defaults noted.
struct HyperParameters {
    std::string architecture;                // general.architecture ("" when absent)
    std::optional<uint64_t> n_layers;        // block_count
    std::optional<uint64_t> n_embd;          // embedding_length
    std::optional<uint64_t> n_ff;            // feed_forward_length
    std::optional<uint64_t> n_head;          // attention.head_count
    std::optional<uint64_t> n_head_kv;       // attention.head_count_kv, default n_head
    std::optional<uint64_t> head_dim;        // attention.key_length, default n_embd / n_head
    std::optional<uint64_t> rope_dims;       // rope.dimension_count, default head_dim
    std::optional<float> rope_base;          // rope.freq_base, default 10000
    bool rope_base_is_default = false;
    std::optional<float> rms_eps;            // attention.layer_norm_rms_epsilon
    std::optional<float> layer_norm_eps;     // attention.layer_norm_epsilon (LayerNorm families: phi2)
    std::optional<uint64_t> context_length;  // context_length: what the model was trained for
};

// The tokenizer as llama.cpp sets it up (its defaults for absent keys included), or what the metadata says
// when our tokenizer cannot load it.
struct TokenizerSummary {
    std::string model;       // tokenizer.ggml.model ("" when the file has no tokenizer)
    std::string pre;         // tokenizer.ggml.pre ("" when absent)
    uint64_t vocab_size = 0; // entries of tokenizer.ggml.tokens
    std::optional<int64_t> bos, eos, unk, pad;  // empty: none
    std::optional<bool> add_bos;
    bool add_bos_from_metadata = false;  // tokenizer.ggml.add_bos_token, else llama.cpp's default for the model
    std::string load_error;  // why our tokenizer cannot load it ("" when it can)
};

// How the runtime's one forward pass runs the file's family (runtime::ModelConfig's switches), or why it cannot.
struct ForwardPass {
    std::string norm;          // "RMSNorm" or "LayerNorm" (with biases)
    std::string feed_forward;  // "SwiGLU", "GeGLU" or "GELU"
    std::string rope;          // "adjacent pairs" or "NeoX halves"
    bool rope_freqs = false;   // a rope_freqs tensor divides the angles (Llama 3)
    bool qkv_biases = false;   // biases on q, k and v
    bool linear_biases = false;  // biases on the attention output, the MLP and the output projection
    bool parallel_block = false; // attention and MLP from the same normed input
    float embed_scale = 1.0f;    // the embeddings' factor
    std::string error;         // why the runtime cannot run the file ("" when it can)
};

struct TypeTotal {
    gguf::GgmlType type;
    uint64_t tensors = 0;
    uint64_t elements = 0;
    uint64_t bytes = 0;
};

struct ModelInfo {
    std::string name;  // general.name
    HyperParameters hparams;
    TokenizerSummary tokenizer;
    ForwardPass forward;  // described only when the file names an architecture
    std::vector<TypeTotal> types;  // in ggml type id order
    uint64_t parameters = 0;       // elements of all tensors
    uint64_t tensor_bytes = 0;
    uint64_t n_vocab = 0;          // rows of the logits: the tokenizer's size, else token_embd.weight's rows
};

// Throws gguf::Error naming the key when a hyper-parameter or tokenizer key has the wrong type.
ModelInfo describe_model(const gguf::File& file);

}  // namespace info
