#include "src/model.h"

#include <cmath>
#include <set>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "gguf/quant/quant.h"
#include "src/runtime_error.h"

namespace runtime {
namespace {

// The index of the first NaN or Inf among x[0..n), or -1.
int64_t first_not_finite(const float* x, int64_t n) {
    for (int64_t i = 0; i < n; ++i)
        if (!std::isfinite(x[i])) return i;
    return -1;
}

std::string shape_text(const gguf::TensorInfo& t) {
    return fmt::format("[{}]", fmt::join(t.ne.begin(), t.ne.begin() + t.n_dims, ", "));
}

// Looks up tensors of one file, checks their shapes and types, and keeps the names of those it handed out.
class TensorBinder {
public:
    explicit TensorBinder(const gguf::File& file) : file_(file) {}

    // The tensor, or nullptr when the file has none of that name.
    const gguf::TensorInfo* find(const std::string& name) {
        const gguf::TensorInfo* t = file_.find_tensor(name);
        if (t) used_.insert(name);
        return t;
    }

    const gguf::TensorInfo& require(const std::string& name) {
        const gguf::TensorInfo* t = find(name);
        if (!t) throw Error(fmt::format("{}: missing tensor '{}'", file_.source(), name));
        return *t;
    }

    // The file's tensors that find() and require() never handed out, in file order.
    std::vector<std::string> unused() const {
        std::vector<std::string> names;
        for (const gguf::TensorInfo& t : file_.tensors())
            if (!used_.count(t.name)) names.emplace_back(t.name);
        return names;
    }

    // A weight matrix (rows x cols), GGUF ne = {cols, rows}, of a type the matmul kernels take.
    kernels::Matrix matrix(const gguf::TensorInfo& t, int64_t rows, int64_t cols) const {
        check_shape(t, {static_cast<uint64_t>(cols), static_cast<uint64_t>(rows)});
        if (!kernels::matmul_supports(t.type)) unsupported(t, "matrix products");
        return kernels::Matrix{t.type, t.data, rows, cols};
    }
    kernels::Matrix matrix(const std::string& name, int64_t rows, int64_t cols) {
        return matrix(require(name), rows, cols);
    }

    // A vector of n f32 values (norm weights, biases, RoPE factors), all finite.
    const float* vector(const std::string& name, int64_t n) {
        const gguf::TensorInfo& t = require(name);
        check_shape(t, {static_cast<uint64_t>(n)});
        if (t.type != gguf::GgmlType::F32) unsupported(t, "vectors (norms, biases: f32 only)");
        const auto* values = reinterpret_cast<const float*>(t.data);
        const int64_t bad = first_not_finite(values, n);
        if (bad >= 0)
            throw Error(fmt::format("{}: tensor '{}' holds {} at {}", file_.source(), t.name, values[bad], bad));
        return values;
    }

    void check_shape(const gguf::TensorInfo& t, const std::vector<uint64_t>& expected) const {
        bool ok = t.n_dims == expected.size();
        for (size_t i = 0; ok && i < expected.size(); ++i) ok = t.ne[i] == expected[i];
        if (!ok)
            throw Error(fmt::format("{}: tensor '{}' has shape {}, expected [{}]", file_.source(), t.name,
                                    shape_text(t), fmt::join(expected, ", ")));
    }

    [[noreturn]] void unsupported(const gguf::TensorInfo& t, const char* use) const {
        throw Error(fmt::format("{}: tensor '{}' has type {}, unsupported for {}", file_.source(), t.name,
                                gguf::ggml_type_name(t.type), use));
    }

private:
    const gguf::File& file_;
    std::set<std::string, std::less<>> used_;
};

std::string block_tensor(int64_t layer, const char* name, const char* part = "weight") {
    return fmt::format("blk.{}.{}.{}", layer, name, part);
}

uint64_t matrix_bytes(const kernels::Matrix& m) { return m.row_bytes() * static_cast<uint64_t>(m.rows); }

// Rows [first, first + n) of a matrix, in place: the Q, K and V parts of a fused attn_qkv.
kernels::Matrix row_range(const kernels::Matrix& m, int64_t first, int64_t n) {
    return {m.type, static_cast<const uint8_t*>(m.data) + static_cast<uint64_t>(first) * m.row_bytes(), n, m.cols};
}

// The q, k and v projections (and their biases, with ModelConfig::qkv_bias) of block i: attn_q, attn_k and
// attn_v, or their rows of a fused attn_qkv (Phi-2's converter writes Q, K, V in that order).
void bind_qkv(TensorBinder& bind, const ModelConfig& c, int64_t i, LayerWeights& w) {
    if (bind.find(block_tensor(i, "attn_qkv"))) {
        const kernels::Matrix qkv = bind.matrix(block_tensor(i, "attn_qkv"), c.q_width() + 2 * c.kv_width(), c.n_embd);
        w.wq = row_range(qkv, 0, c.q_width());
        w.wk = row_range(qkv, c.q_width(), c.kv_width());
        w.wv = row_range(qkv, c.q_width() + c.kv_width(), c.kv_width());
        if (c.qkv_bias) {
            const float* bias = bind.vector(block_tensor(i, "attn_qkv", "bias"), c.q_width() + 2 * c.kv_width());
            w.bq = bias;
            w.bk = bias + c.q_width();
            w.bv = bias + c.q_width() + c.kv_width();
        }
        return;
    }
    w.wq = bind.matrix(block_tensor(i, "attn_q"), c.q_width(), c.n_embd);
    w.wk = bind.matrix(block_tensor(i, "attn_k"), c.kv_width(), c.n_embd);
    w.wv = bind.matrix(block_tensor(i, "attn_v"), c.kv_width(), c.n_embd);
    if (c.qkv_bias) {
        w.bq = bind.vector(block_tensor(i, "attn_q", "bias"), c.q_width());
        w.bk = bind.vector(block_tensor(i, "attn_k", "bias"), c.kv_width());
        w.bv = bind.vector(block_tensor(i, "attn_v", "bias"), c.kv_width());
    }
}

}  // namespace

Model Model::open(const std::string& path) { return bind(gguf::File::open(path)); }

Model Model::bind(gguf::File file) {
    Model model(std::move(file));
    ModelConfig& c = model.config_;
    c = ModelConfig::from_gguf(model.file_);
    TensorBinder bind(model.file_);

    const gguf::TensorInfo& embd = bind.require("token_embd.weight");
    if (embd.n_dims != 2 || embd.ne[0] != static_cast<uint64_t>(c.n_embd) || embd.ne[1] == 0 ||
        embd.ne[1] > (uint64_t{1} << 31))
        throw Error(fmt::format("{}: tensor 'token_embd.weight' has shape {}, expected [{}, n_vocab]",
                                model.file_.source(), shape_text(embd), c.n_embd));
    if (!gguf::quant_traits(embd.type)) bind.unsupported(embd, "embedding lookup");
    c.n_vocab = static_cast<int64_t>(embd.ne[1]);
    // As in llama.cpp, one embedding row per token: a token id must never fall outside the matrices.
    if (model.file_.has("tokenizer.ggml.tokens")) {
        const size_t n_tokens = model.file_.get_string_array("tokenizer.ggml.tokens").size();
        if (n_tokens != embd.ne[1])
            throw Error(fmt::format("{}: the vocabulary has {} tokens but tensor 'token_embd.weight' has {} rows",
                                    model.file_.source(), n_tokens, embd.ne[1]));
    }
    model.token_embd_ = kernels::Matrix{embd.type, embd.data, c.n_vocab, c.n_embd};
    model.output_norm_ = bind.vector("output_norm.weight", c.n_embd);
    // Without output.weight the embeddings are tied: token_embd is also the output matrix.
    const gguf::TensorInfo* output = bind.find("output.weight");
    model.output_ = bind.matrix(output ? *output : embd, c.n_vocab, c.n_embd);
    if (c.layer_norm) model.output_norm_b_ = bind.vector("output_norm.bias", c.n_embd);
    if (c.linear_biases) model.output_b_ = bind.vector("output.bias", c.n_vocab);
    if (c.rope_freqs && bind.find("rope_freqs.weight")) {
        model.rope_freqs_ = bind.vector("rope_freqs.weight", c.rope_dim / 2);
        for (int64_t i = 0; i < c.rope_dim / 2; ++i)
            if (!(model.rope_freqs_[i] > 0.0f) || !std::isfinite(model.rope_freqs_[i]))
                throw Error(fmt::format("{}: tensor 'rope_freqs.weight' holds {} at {}: RoPE frequency factors must "
                                        "be positive and finite", model.file_.source(), model.rope_freqs_[i], i));
    }

    model.layers_.reserve(static_cast<size_t>(c.n_layer));
    for (int64_t i = 0; i < c.n_layer; ++i) {
        LayerWeights w;
        w.attn_norm = bind.vector(block_tensor(i, "attn_norm"), c.n_embd);
        if (c.layer_norm) w.attn_norm_b = bind.vector(block_tensor(i, "attn_norm", "bias"), c.n_embd);
        bind_qkv(bind, c, i, w);
        w.wo = bind.matrix(block_tensor(i, "attn_output"), c.n_embd, c.q_width());
        if (!c.parallel_block) w.ffn_norm = bind.vector(block_tensor(i, "ffn_norm"), c.n_embd);
        if (c.ffn != FeedForward::Gelu) w.w_gate = bind.matrix(block_tensor(i, "ffn_gate"), c.n_ff, c.n_embd);
        w.w_up = bind.matrix(block_tensor(i, "ffn_up"), c.n_ff, c.n_embd);
        w.w_down = bind.matrix(block_tensor(i, "ffn_down"), c.n_embd, c.n_ff);
        if (c.linear_biases) {
            w.bo = bind.vector(block_tensor(i, "attn_output", "bias"), c.n_embd);
            w.b_up = bind.vector(block_tensor(i, "ffn_up", "bias"), c.n_ff);
            w.b_down = bind.vector(block_tensor(i, "ffn_down", "bias"), c.n_embd);
        }
        model.layers_.push_back(w);
    }
    // A tensor the forward pass does not read may change what the model computes: it is never ignored silently.
    model.unused_tensors_ = bind.unused();
    if (!model.unused_tensors_.empty())
        spdlog::warn("{}: {} tensor(s) not used by the {} forward pass: {}", model.file_.source(),
                     model.unused_tensors_.size(), c.architecture, fmt::join(model.unused_tensors_, ", "));
    return model;
}

bool Model::embed(int32_t token, float* out) const {
    const auto* row = static_cast<const uint8_t*>(token_embd_.data) + static_cast<size_t>(token) * token_embd_.row_bytes();
    gguf::dequantize_row(token_embd_.type, row, out, config_.n_embd);
    if (config_.embed_scale != 1.0f)
        for (int64_t i = 0; i < config_.n_embd; ++i) out[i] *= config_.embed_scale;
    return first_not_finite(out, config_.n_embd) < 0;
}

std::string Model::bad_embedding(int32_t token) const {
    return fmt::format("{}: row {} of tensor 'token_embd.weight' holds NaN or Inf", file_.source(), token);
}

uint64_t Model::bytes_per_token() const {
    uint64_t bytes = matrix_bytes(output_) + static_cast<uint64_t>(config_.n_embd) * 4 * (2 * layers_.size() + 1);
    for (const LayerWeights& w : layers_)
        for (const kernels::Matrix* m : {&w.wq, &w.wk, &w.wv, &w.wo, &w.w_gate, &w.w_up, &w.w_down})
            bytes += matrix_bytes(*m);
    return bytes;
}

uint64_t Model::weight_bytes() const {
    uint64_t bytes = 0;
    for (const gguf::TensorInfo& t : file_.tensors()) bytes += t.n_bytes;
    return bytes;
}

}  // namespace runtime
