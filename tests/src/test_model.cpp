// Model binding: hyper-parameters and weights of real and synthetic GGUFs, and one clear error for each way
// a file can fail to be a runnable llama model.
#include <catch2/catch.hpp>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "apps/make_model/synthetic_model.h"
#include "gguf/gguf_file.h"
#include "gguf/gguf_writer.h"
#include "src/model.h"
#include "src/runtime_error.h"
#include "src/transformer.h"
#include "support/json_reader.h"
#include "support/shared_data.h"
#include "support/synthetic_fixture.h"
#include "support/temp_dir.h"

namespace {

using test::bind;

std::string bind_error(const make_model::SyntheticModel& synthetic) {
    try {
        bind(synthetic);
    } catch (const std::exception& e) {
        return e.what();
    }
    return "no error";
}

void erase_tensor(make_model::SyntheticModel& m, const std::string& name) {
    for (auto it = m.tensors.begin(); it != m.tensors.end(); ++it)
        if (it->name == name) {
            m.tensors.erase(it);
            return;
        }
    FAIL("no tensor " << name);
}

}  // namespace

TEST_CASE("model: stories260K hyper-parameters and weights from its GGUF", "[model]") {
    SKIP_WITHOUT_SHARED();
    const runtime::Model model = runtime::Model::open(test::shared_path("models/stories260K.gguf"));
    const runtime::ModelConfig& c = model.config();
    CHECK(c.architecture == "llama");
    CHECK(c.n_vocab == 512);
    CHECK(c.n_embd == 64);
    CHECK(c.n_layer == 5);
    CHECK(c.n_ff == 172);
    CHECK(c.n_head == 8);
    CHECK(c.n_head_kv == 4);
    CHECK(c.head_dim == 8);
    CHECK(c.rope_dim == 8);
    CHECK(c.rope_freq_base == 10000.0f);  // no rope.freq_base key: llama's default
    CHECK(c.norm_eps == 1e-5f);
    CHECK(c.n_ctx_train == 2048);
    CHECK_FALSE(model.tied_embeddings());
    CHECK(model.layer(4).w_down.rows == 64);
    CHECK(model.layer(4).w_down.cols == 172);
    CHECK(model.output().data == model.file().tensor("output.weight").data);
}

TEST_CASE("model: embedding rows are the dequantized token_embd rows llama.cpp sees", "[model]") {
    SKIP_WITHOUT_SHARED();
    for (const char* name : {"stories260K-Q4_0", "bpe-smollm-Q4_0", "tiny-Q4_K_M"}) {
        const runtime::Model model = runtime::Model::open(test::shared_path(std::string("models/quant/") + name + ".gguf"));
        const auto golden = test::json::parse_file(test::shared_path(std::string("golden/") + name + ".tensors.json"));
        int checked = 0;
        for (const auto& t : golden.items()) {
            if (t["name"].as_string() != "token_embd.weight") continue;
            ++checked;
            std::vector<float> row(static_cast<size_t>(model.config().n_embd));
            model.embed(0, row.data());
            for (size_t i = 0; i < 8; ++i) CHECK(row[i] == t["first"][i].as_float());
        }
        CHECK(checked == 1);
    }
}

TEST_CASE("model: tied embeddings use token_embd as the output matrix, and per-token bytes add up", "[model]") {
    SKIP_WITHOUT_SHARED();
    const runtime::Model tied = runtime::Model::open(test::shared_path("models/quant/bpe-smollm-Q8_0.gguf"));
    CHECK(tied.tied_embeddings());
    CHECK(tied.output().data == tied.token_embd().data);
    CHECK(tied.config().rope_freq_base == 100000.0f);
    CHECK(tied.config().n_vocab == 49152);
    CHECK(tied.bytes_per_token() == tied.weight_bytes());  // every tensor is read once per token

    const runtime::Model untied = runtime::Model::open(test::shared_path("models/quant/tiny-Q4_0.gguf"));
    CHECK_FALSE(untied.tied_embeddings());
    CHECK(untied.bytes_per_token() == untied.weight_bytes() - untied.file().tensor("token_embd.weight").n_bytes);
}

TEST_CASE("model: synthetic SmolLM2-shaped file binds with the expected shapes", "[model]") {
    auto spec = make_model::SyntheticModelSpec::smollm2_shape(2, gguf::GgmlType::Q8_0);
    spec.n_vocab = 512;  // keep it small; the real generator copies the 49152-token vocabulary
    const test::BoundModel bound = bind(make_model::SyntheticModel(spec));
    const runtime::ModelConfig& c = bound.model.config();
    CHECK(c.n_embd == 576);
    CHECK(c.n_head == 9);
    CHECK(c.n_head_kv == 3);
    CHECK(c.head_dim == 64);
    CHECK(c.n_ff == 1536);
    CHECK(c.n_vocab == 512);
    CHECK(c.rope_freq_base == 100000.0f);
    CHECK(bound.model.tied_embeddings());
    CHECK(bound.model.layer(1).wk.rows == 192);
    CHECK(bound.model.layer(1).wq.type == gguf::GgmlType::Q8_0);
}

TEST_CASE("model: llama-family architecture names are accepted, others named in the error", "[model][errors]") {
    make_model::SyntheticModelSpec spec;
    spec.architecture = "mistral";
    CHECK(bind(make_model::SyntheticModel(spec)).model.config().architecture == "mistral");
    spec.architecture = "gpt2";
    CHECK_THAT(bind_error(make_model::SyntheticModel(spec)),
               Catch::Contains("synthetic.gguf") && Catch::Contains("unsupported architecture 'gpt2'"));
}

TEST_CASE("model: qwen2 takes q/k/v biases and NeoX RoPE, llama an optional rope_freqs, checked", "[model]") {
    make_model::SyntheticModelSpec spec;
    spec.architecture = "qwen2";
    make_model::SyntheticModel qwen2(spec);
    CHECK_THAT(bind_error(qwen2), Catch::Contains("missing tensor 'blk.0.attn_q.bias'"));
    const uint64_t kv_width = static_cast<uint64_t>(spec.n_embd / spec.n_head * spec.n_head_kv);
    for (int layer = 0; layer < spec.n_layer; ++layer)
        for (const auto& [name, width] : {std::pair<const char*, uint64_t>{"attn_q", spec.n_embd}, {"attn_k", kv_width},
                                          {"attn_v", kv_width}})
            qwen2.tensors.push_back({"blk." + std::to_string(layer) + "." + name + ".bias", {width},
                                     gguf::GgmlType::F32, 0.1f, false});
    const test::BoundModel bound = bind(qwen2);
    CHECK(bound.model.config().rope_style == kernels::RopeStyle::Neox);
    CHECK(bound.model.layer(1).bv != nullptr);
    CHECK(bound.model.rope_freqs() == nullptr);

    make_model::SyntheticModel llama3{make_model::SyntheticModelSpec{}};
    const uint64_t pairs = static_cast<uint64_t>(llama3.spec.n_embd / llama3.spec.n_head / 2);
    llama3.tensors.push_back({"rope_freqs.weight", {pairs}, gguf::GgmlType::F32, 0.0f, true});  // all 1
    CHECK(bind(llama3).model.rope_freqs() != nullptr);
    CHECK(bind(llama3).model.config().rope_style == kernels::RopeStyle::Adjacent);
    llama3.tensors.back().scale = 5.0f;  // 1 + 5 * uniform(-1.7, 1.7): some factors negative
    CHECK_THAT(bind_error(llama3), Catch::Contains("rope_freqs.weight") && Catch::Contains("positive and finite"));
    llama3.tensors.back().shape = {pairs + 1};
    CHECK_THAT(bind_error(llama3), Catch::Contains("tensor 'rope_freqs.weight' has shape"));
}

TEST_CASE("model: every tensor the forward pass does not read is listed (and warned of), none in a full file",
          "[model]") {
    make_model::SyntheticModel m{make_model::SyntheticModelSpec{}};
    CHECK(bind(m).model.unused_tensors().empty());
    m.tensors.push_back({"blk.0.attn_q.bias", {64}, gguf::GgmlType::F32, 0.1f, false});  // llama has no biases
    m.tensors.push_back({"blk.7.ffn_up.weight", {64, 128}, gguf::GgmlType::F32, 0.1f, false});  // no block 7
    CHECK(bind(m).model.unused_tensors() == std::vector<std::string>{"blk.0.attn_q.bias", "blk.7.ffn_up.weight"});

    make_model::SyntheticModelSpec spec;
    spec.architecture = "qwen2";
    make_model::SyntheticModel qwen2(spec);
    for (const auto& [name, width] : {std::pair<const char*, uint64_t>{"attn_q", 64}, {"attn_k", 32}, {"attn_v", 32}})
        for (int layer = 0; layer < 2; ++layer)
            qwen2.tensors.push_back({"blk." + std::to_string(layer) + "." + name + ".bias", {width},
                                     gguf::GgmlType::F32, 0.1f, false});
    qwen2.tensors.push_back({"rope_freqs.weight", {8}, gguf::GgmlType::F32, 0.0f, true});  // Llama 3's, not qwen2's
    CHECK(bind(qwen2).model.unused_tensors() == std::vector<std::string>{"rope_freqs.weight"});
}

TEST_CASE("model: a missing tensor is named", "[model][errors]") {
    make_model::SyntheticModel m{make_model::SyntheticModelSpec{}};
    erase_tensor(m, "blk.1.ffn_up.weight");
    CHECK_THAT(bind_error(m), Catch::Contains("missing tensor 'blk.1.ffn_up.weight'"));

    make_model::SyntheticModel no_norm{make_model::SyntheticModelSpec{}};
    erase_tensor(no_norm, "output_norm.weight");
    CHECK_THAT(bind_error(no_norm), Catch::Contains("missing tensor 'output_norm.weight'"));
}

TEST_CASE("model: a wrong shape is named with the shape found and expected", "[model][errors]") {
    make_model::SyntheticModel m{make_model::SyntheticModelSpec{}};
    m.tensor("blk.0.attn_k.weight").shape = {64, 64};  // 2 kv heads of 16 = 32 rows expected
    CHECK_THAT(bind_error(m), Catch::Contains("tensor 'blk.0.attn_k.weight' has shape [64, 64], expected [64, 32]"));

    make_model::SyntheticModel norm{make_model::SyntheticModelSpec{}};
    norm.tensor("blk.1.ffn_norm.weight").shape = {32};
    CHECK_THAT(bind_error(norm), Catch::Contains("'blk.1.ffn_norm.weight' has shape [32], expected [64]"));
}

TEST_CASE("model: unsupported tensor types are named", "[model][errors]") {
    make_model::SyntheticModelSpec spec;
    spec.n_embd = 256;
    spec.n_ff = 256;
    make_model::SyntheticModel m(spec);
    m.tensor("blk.0.attn_v.weight").type = gguf::GgmlType::Q8_K;  // an activation format, no weight kernel
    CHECK_THAT(bind_error(m), Catch::Contains("tensor 'blk.0.attn_v.weight' has type q8_K, unsupported"));

    make_model::SyntheticModel f16_norm{make_model::SyntheticModelSpec{}};
    f16_norm.tensor("output_norm.weight").type = gguf::GgmlType::F16;
    CHECK_THAT(bind_error(f16_norm), Catch::Contains("tensor 'output_norm.weight' has type f16"));
}

TEST_CASE("model: missing or inconsistent hyper-parameters are named", "[model][errors]") {
    make_model::SyntheticModelSpec spec;
    spec.n_head = 4;
    spec.n_head_kv = 3;
    CHECK_THAT(bind_error(make_model::SyntheticModel(spec)), Catch::Contains("not a multiple of 3 key/value heads"));

    spec = {};
    spec.n_layer = 0;
    CHECK_THAT(bind_error(make_model::SyntheticModel(spec)), Catch::Contains("'llama.block_count' = 0"));

    for (float bad : {0.0f, -1.0f, std::nanf(""), INFINITY}) {
        INFO("value " << bad);
        spec = {};
        spec.rope_freq_base = bad;
        CHECK_THAT(bind_error(make_model::SyntheticModel(spec)), Catch::Contains("rope.freq_base") && Catch::Contains("out of range"));
        spec = {};
        spec.rms_eps = bad == 0.0f ? -0.5f : bad;  // 0 is a valid epsilon
        CHECK_THAT(bind_error(make_model::SyntheticModel(spec)), Catch::Contains("layer_norm_rms_epsilon") && Catch::Contains("out of range"));
    }
}

TEST_CASE("model: the vocabulary and the embedding rows must agree", "[model][errors]") {
    SKIP_WITHOUT_SHARED();  // for a real vocabulary
    make_model::SyntheticModelSpec spec = test::small_spec();
    spec.vocab_from = test::shared_path("models/vocab/ggml-vocab-gpt-2.gguf");
    make_model::SyntheticModel m(spec);
    CHECK(bind_error(m) == "no error");
    m.tensor("token_embd.weight").shape[1] -= 7;
    CHECK_THAT(bind_error(m), Catch::EndsWith("synthetic.gguf: the vocabulary has 50257 tokens but tensor "
                                              "'token_embd.weight' has 50250 rows"));
}

TEST_CASE("model: NaN or Inf in a norm is refused at load, in an embedding row when the row is first used",
          "[model][errors]") {
    make_model::SyntheticModel m{make_model::SyntheticModelSpec{}};
    m.tensor("blk.1.ffn_norm.weight").scale = std::numeric_limits<float>::infinity();
    CHECK_THAT(bind_error(m), Catch::Contains("tensor 'blk.1.ffn_norm.weight' holds") && Catch::Contains("at 0"));
    m.tensor("blk.1.ffn_norm.weight").scale = 0.1f;

    m.tensor("token_embd.weight").scale = std::numeric_limits<float>::quiet_NaN();
    const test::BoundModel bound = bind(m);  // loads: the rows are read as tokens come
    std::vector<float> row(static_cast<size_t>(bound.model.config().n_embd));
    CHECK_FALSE(bound.model.embed(3, row.data()));
    runtime::Transformer t(bound.model, runtime::RunConfig{});
    const int32_t token = 3;
    std::vector<float> logits(static_cast<size_t>(bound.model.config().n_vocab));
    CHECK_THROWS_WITH(t.forward(&token, 1, logits.data()), Catch::Contains("row 3 of tensor 'token_embd.weight' holds NaN or Inf"));
    CHECK(t.n_past() == 0);
}

namespace {

// The file at `from` rewritten to `to` without the tensor `drop` and with `reshape` (if named) given the shape
// `shape` (its bytes zero).
void rewrite(const std::string& from, const std::string& to, const std::string& drop, const std::string& reshape = "",
             const std::vector<uint64_t>& shape = {}) {
    const auto source = gguf::File::open(from);
    gguf::Writer w;
    for (const auto& [key, value] : source.metadata()) w.add_value(key, value);
    std::vector<float> zeros;
    for (const auto& t : source.tensors()) {
        if (t.name == drop) continue;
        if (t.name == reshape) {
            uint64_t n = 1;
            for (const uint64_t ne : shape) n *= ne;
            zeros.assign(n, 0.0f);
            w.add_tensor(t.name, gguf::GgmlType::F32, shape, zeros.data());
        } else {
            w.add_tensor(t.name, t.type, std::vector<uint64_t>(t.ne.begin(), t.ne.begin() + t.n_dims), t.data);
        }
    }
    w.write(to);
}

std::string open_error(const std::string& path) {
    try {
        runtime::Model::open(path);
    } catch (const std::exception& e) {
        return e.what();
    }
    return "no error";
}

}  // namespace

TEST_CASE("model: the other families' tensors are required and shape-checked too (phi2's fused qkv and LayerNorm "
          "biases, gemma's gate)", "[model][errors][arch]") {
    SKIP_WITHOUT_ARCH_MODELS();
    const test::TempDir dir;
    const std::string phi2 = (test::arch_models_dir() / "tiny-phi2-Q8_0.gguf").string();
    const std::string gemma = (test::arch_models_dir() / "tiny-gemma-Q8_0.gguf").string();
    rewrite(phi2, dir.file("no-qkv-bias.gguf"), "blk.0.attn_qkv.bias");
    CHECK_THAT(open_error(dir.file("no-qkv-bias.gguf")), Catch::Contains("missing tensor 'blk.0.attn_qkv.bias'"));
    rewrite(phi2, dir.file("no-norm-bias.gguf"), "output_norm.bias");
    CHECK_THAT(open_error(dir.file("no-norm-bias.gguf")), Catch::Contains("missing tensor 'output_norm.bias'"));
    rewrite(phi2, dir.file("short-bias.gguf"), "", "blk.1.attn_qkv.bias", {700});
    CHECK_THAT(open_error(dir.file("short-bias.gguf")),
               Catch::Contains("tensor 'blk.1.attn_qkv.bias' has shape [700], expected [768]"));
    rewrite(gemma, dir.file("no-gate.gguf"), "blk.1.ffn_gate.weight");
    CHECK_THAT(open_error(dir.file("no-gate.gguf")), Catch::Contains("missing tensor 'blk.1.ffn_gate.weight'"));
}
