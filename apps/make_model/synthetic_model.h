// Random-weight llama GGUF files of a chosen shape, written with our own gguf::Writer and quantizers: the
// SmolLM2-shaped test models (scripts/make-test-models.sh) and small fixtures for tests. Weights are uniform
// noise with a per-tensor scale (matrices 1/sqrt(cols), embeddings 0.1, norms around 1), generated and
// quantized one row at a time while the file is written, so memory stays at a few rows.
//
//   make_model::SyntheticModel model(make_model::SyntheticModelSpec::smollm2_shape(4, gguf::GgmlType::Q4_0));
//   model.tensors.pop_back();      // tests may edit the tensor list or the metadata first
//   model.write("models/generated/smol-4l-Q4_0.gguf");
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "gguf/quant/ggml_type.h"

namespace gguf {
class Writer;
}

namespace make_model {

struct SyntheticModelSpec {
    std::string architecture = "llama";
    std::string name = "synthetic";
    int64_t n_embd = 64;
    int64_t n_ff = 128;
    int64_t n_layer = 2;
    int64_t n_head = 4;
    int64_t n_head_kv = 2;
    int64_t n_vocab = 256;      // ignored when vocab_from is set (the vocabulary's size is used)
    int64_t n_ctx = 2048;
    float rope_freq_base = 10000.0f;
    float rms_eps = 1e-5f;
    bool tied = true;           // no output.weight: token_embd is the output matrix
    gguf::GgmlType type = gguf::GgmlType::F32;   // of every 2-D tensor (norms stay f32)
    std::string vocab_from;     // a GGUF whose tokenizer.* metadata is copied (e.g. a vocab-only file)
    std::string tokenizer_pre;  // replaces tokenizer.ggml.pre when not empty
    uint64_t seed = 1;

    // SmolLM2-135M's shapes (576 wide, 1536 ff, 9:3 heads of 64, rope base 100000, tied, context 8192)
    // with n_layer blocks; the vocabulary comes from vocab_from (49152 tokens for the starcoder vocab).
    static SyntheticModelSpec smollm2_shape(int64_t n_layer, gguf::GgmlType type);
};

class SyntheticModel {
public:
    struct Tensor {
        std::string name;
        std::vector<uint64_t> shape;  // ne, row length first
        gguf::GgmlType type;
        float scale;                  // values are scale * uniform(-sqrt(3), sqrt(3)), or 1 + that for norms
        bool is_norm;
    };

    // Throws gguf::Error when vocab_from cannot be read or the type cannot be quantized.
    explicit SyntheticModel(SyntheticModelSpec spec);

    std::vector<Tensor> tensors;   // in file order; editable before writing
    SyntheticModelSpec spec;

    // The tensor of that name. Throws make_model::Error when there is none.
    Tensor& tensor(const std::string& name);

    // Writes the GGUF file. Throws gguf::Error on I/O failure or a shape the type cannot hold.
    void write(const std::string& path) const;
    std::vector<uint8_t> to_bytes() const;

private:
    void fill(gguf::Writer& writer) const;
};

}  // namespace make_model
