// `sparse-llm info` as a user runs it, checked against what llama.cpp and the shared README say of each file.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "gguf/gguf_writer.h"
#include "support/cli_runner.h"
#include "support/file_bytes.h"
#include "support/fnv1a64.h"
#include "support/json_reader.h"
#include "support/shared_data.h"
#include "support/temp_dir.h"

namespace {

namespace fs = std::filesystem;
using test::json::Value;

// llama.cpp's tensor table and dequantized hashes of a model, when ../shared/golden has them.
std::string golden_tensors_path(const std::string& model_path) {
    return test::shared_path("golden/" + fs::path(model_path).stem().string() + ".tensors.json");
}

Value info_json(const std::vector<std::string>& args) {
    const auto result = test::run_cli(args);
    INFO(result.err);
    REQUIRE(result.exit_code == 0);
    CHECK(result.err.empty());
    return test::json::parse(result.out);
}

}  // namespace

TEST_CASE("info: describes every file in ../shared/models, with llama.cpp's tensor table where a golden has it",
          "[cli][info]") {
    SKIP_WITHOUT_SHARED();
    int with_golden = 0;
    for (const auto& path : test::shared_gguf_files()) {
        INFO(path);
        const auto text = test::run_cli({"info", path});
        CHECK(text.exit_code == 0);
        CHECK(text.err.empty());
        CHECK_THAT(text.out, Catch::Contains("tensors:") && Catch::Contains("tokenizer:"));

        const Value info = info_json({"info", path, "--json"});
        CHECK(info["file_size"].as_uint() == fs::file_size(path));
        CHECK(info["gguf_version"].as_uint() == 3);
        CHECK_FALSE(info["tokenizer"]["model"].is_null());
        CHECK(info["tokenizer"]["vocab_size"].as_uint() > 0);

        if (!fs::exists(golden_tensors_path(path))) {  // the vocab-only files
            CHECK(info["tensors"].size() == 0);
            CHECK(info["memory"].is_null());
            continue;
        }
        ++with_golden;
        const Value golden = test::json::parse_file(golden_tensors_path(path));
        REQUIRE(info["tensors"].size() == golden.size());
        uint64_t parameters = 0;
        std::map<std::string, uint64_t> tensors_per_type;
        for (size_t i = 0; i < golden.size(); ++i) {
            const Value& ours = info["tensors"][i];
            const Value& theirs = golden[i];
            CHECK(ours["name"].as_string() == theirs["name"].as_string());
            CHECK(ours["type"].as_string() == theirs["type"].as_string());
            REQUIRE(ours["shape"].size() == theirs["ne"].size());
            for (size_t d = 0; d < ours["shape"].size(); ++d)
                CHECK(ours["shape"][d].as_uint() == theirs["ne"][d].as_uint());
            parameters += theirs["n"].as_uint();
            ++tensors_per_type[theirs["type"].as_string()];
        }
        CHECK(info["parameters"].as_uint() == parameters);
        REQUIRE(info["types"].size() == tensors_per_type.size());
        for (const auto& type : info["types"].items())
            CHECK(type["tensors"].as_uint() == tensors_per_type[type["type"].as_string()]);
        CHECK(info["memory"]["weights_mmapped"].as_uint() == fs::file_size(path));
    }
    CHECK(with_golden == 17);
}

TEST_CASE("info: stories260K's hyper-parameters, tokenizer and memory estimate as its README documents them",
          "[cli][info]") {
    SKIP_WITHOUT_SHARED();
    const std::string path = test::shared_path("models/stories260K.gguf");
    const Value info = info_json({"info", path, "--json", "-c", "256"});
    CHECK(info["architecture"].as_string() == "llama");
    const Value& h = info["hyperparameters"];
    CHECK(h["n_layers"].as_uint() == 5);
    CHECK(h["n_embd"].as_uint() == 64);
    CHECK(h["n_ff"].as_uint() == 172);
    CHECK(h["n_head"].as_uint() == 8);
    CHECK(h["n_head_kv"].as_uint() == 4);
    CHECK(h["head_dim"].as_uint() == 8);
    CHECK(h["rope_dims"].as_uint() == 8);
    CHECK(h["rope_base"].as_float() == 10000.0f);
    CHECK(h["rope_base_is_default"].as_bool());
    CHECK(h["rms_eps"].as_float() == 1e-5f);
    CHECK(h["layer_norm_eps"].is_null());
    CHECK(h["context_length"].as_uint() == 2048);
    const Value& tok = info["tokenizer"];
    CHECK(tok["model"].as_string() == "llama");
    CHECK(tok["pre"].is_null());
    CHECK(tok["vocab_size"].as_uint() == 512);
    CHECK(tok["bos_id"].as_int() == 1);
    CHECK(tok["eos_id"].as_int() == 2);
    CHECK(tok["unk_id"].as_int() == 0);
    CHECK(tok["pad_id"].is_null());  // padding_token_id is 0xFFFFFFFF: none
    CHECK(tok["add_bos"].as_bool());
    // By the formulas in the README (stories260K: 5 layers, embd 64, ff 172, 8 heads and 4 kv heads of 8, rope
    // dims 8, vocabulary 512): 2*2*layers*kv_heads*head_dim*ctx bytes of fp16 KV cache; per layer 4 bytes of
    // attention mass per slot and, per block of 64, 2*4*kv_heads*head_dim bytes of means and a 4-byte count.
    const Value& memory = info["memory"];
    CHECK(memory["context"].as_uint() == 256);
    CHECK(memory["kv_cache_f16"].as_uint() == 2 * 2 * 5 * 4 * 8 * 256);
    CHECK(memory["kv_tables"].as_uint() == 5 * (256 * 4 + 256 / 64 * (2 * 4 * 4 * 8 + 4)));
    // A batch of min(512, ctx) = 256 tokens: per token 4 bytes * (4*embd + 2*heads*head_dim + 2*kv_heads*head_dim
    // + 2*ff + rope dims) of activations and 2*(w + w/32*4 + w/16*2) of 8-bit copies, w = max(embd, ff,
    // heads*head_dim); the kernel's lists of the batch's 256 - 129 sparse rows (the first 129 attend densely),
    // each of window 128 + self + global token candidates (no lookback beyond the window below 256), 4 bytes
    // * (heads + 1) each; 16 bytes per vocabulary token.
    const uint64_t activations = 4 * (4 * 64 + 2 * 64 + 2 * 32 + 2 * 172 + 8) + 2 * (172 + 172 / 32 * 4 + 172 / 16 * 2);
    CHECK(memory["scratch"].as_uint() == 256 * activations + (256 - 129) * 130 * 4 * (8 + 1) + 16 * 512);
    CHECK(memory["weights_mmapped"].as_uint() == 1185376);
    CHECK(memory["tables"].as_uint() > 0);   // measured: the tokenizer's heap
    CHECK(memory["program"].as_uint() > 0);  // measured: this process before it read the file
    uint64_t parts = 0;
    for (const char* part : {"weights_mmapped", "kv_cache_f16", "kv_tables", "scratch", "tables", "program"})
        parts += memory[part].as_uint();
    CHECK(memory["total"].as_uint() == parts);
    // Without -c: the model's own context length.
    CHECK(info_json({"info", path, "--json"})["memory"]["context"].as_uint() == 2048);
}

TEST_CASE("info: a writer-made model with explicit hyper-parameter keys and a tokenizer we cannot load",
          "[cli][info]") {
    const std::vector<float> embd(96 * 10, 0.5f);
    gguf::Writer w;
    w.add_string("general.architecture", "llama");
    w.add_string("general.name", "made-here");
    w.add_u32("llama.block_count", 3);
    w.add_u32("llama.embedding_length", 96);
    w.add_u32("llama.feed_forward_length", 256);
    w.add_u32("llama.attention.head_count", 6);
    w.add_u32("llama.attention.head_count_kv", 2);
    w.add_u32("llama.attention.key_length", 32);  // wins over embd / heads = 16
    w.add_u32("llama.rope.dimension_count", 16);
    w.add_f32("llama.rope.freq_base", 500000.0f);
    w.add_f32("llama.attention.layer_norm_rms_epsilon", 1e-6f);
    w.add_u32("llama.context_length", 4096);
    w.add_string("tokenizer.ggml.model", "bert");
    w.add_string_array("tokenizer.ggml.tokens", std::vector<std::string>(10, "x"));
    w.add_tensor("token_embd.weight", gguf::GgmlType::F32, {96, 10}, embd.data());
    const test::TempDir dir;
    const std::string path = dir.file("made.gguf");
    w.write(path);

    const Value info = info_json({"info", path, "--json", "-c", "100"});
    CHECK(info["name"].as_string() == "made-here");
    const Value& h = info["hyperparameters"];
    CHECK(h["head_dim"].as_uint() == 32);
    CHECK(h["rope_dims"].as_uint() == 16);
    CHECK(h["rope_base"].as_float() == 500000.0f);
    CHECK_FALSE(h["rope_base_is_default"].as_bool());
    CHECK(h["rms_eps"].as_float() == 1e-6f);
    CHECK(h["context_length"].as_uint() == 4096);
    const Value& tok = info["tokenizer"];
    CHECK(tok["model"].as_string() == "bert");
    CHECK(tok["vocab_size"].as_uint() == 10);
    CHECK(tok["bos_id"].is_null());
    CHECK(tok["add_bos"].is_null());
    CHECK_THAT(tok["load_error"].as_string(), Catch::Contains("bert"));
    const Value& memory = info["memory"];
    CHECK(memory["kv_cache_f16"].as_uint() == 2 * 2 * 3 * 2 * 32 * 100);
    CHECK(memory["kv_tables"].as_uint() == 3 * (100 * 4 + 2 * (2 * 4 * 2 * 32 + 4)));  // 2 blocks of 64
    // A batch of 100 (the whole context), all attending densely: 1 + 2 + ... + 100 candidates; a vocabulary of 10.
    const uint64_t activations = 4 * (4 * 96 + 2 * 192 + 2 * 64 + 2 * 256 + 16) + 2 * (256 + 256 / 32 * 4 + 256 / 16 * 2);
    CHECK(memory["scratch"].as_uint() == 100 * activations + 100 * 101 / 2 * 4 * (6 + 1) + 16 * 10);
    CHECK(memory["weights_mmapped"].as_uint() == fs::file_size(path));
    const auto text = test::run_cli({"info", path});
    CHECK(text.exit_code == 0);
    CHECK_THAT(text.out, Catch::Contains("not usable here") && Catch::Contains("rope base 500000,"));
}

TEST_CASE("info: the other families' hyper-parameters (Phi-2's LayerNorm epsilon and partial RoPE, Gemma's MQA)",
          "[cli][info][arch]") {
    SKIP_WITHOUT_ARCH_MODELS();
    const auto phi2 = test::run_cli({"info", (test::arch_models_dir() / "tiny-phi2-Q4_0.gguf").string(), "--json"});
    REQUIRE(phi2.exit_code == 0);
    const Value ph = test::json::parse(phi2.out)["hyperparameters"];
    CHECK(ph["rope_dims"].as_uint() == 32);
    CHECK(ph["head_dim"].as_uint() == 64);
    CHECK(ph["layer_norm_eps"].as_float() == 1e-5f);
    CHECK(ph["rms_eps"].is_null());
    const auto text = test::run_cli({"info", (test::arch_models_dir() / "tiny-phi2-Q4_0.gguf").string()});
    CHECK_THAT(text.out, Catch::Contains("rms eps -, layer-norm eps 1e-05"));
    const auto gemma = test::run_cli({"info", (test::arch_models_dir() / "tiny-gemma-Q8_0.gguf").string(), "--json"});
    const Value g = test::json::parse(gemma.out)["hyperparameters"];
    CHECK(g["n_head_kv"].as_uint() == 1);
    CHECK(g["rms_eps"].as_float() == 1e-6f);
}

TEST_CASE("info: how the forward pass runs each family (norm, MLP, RoPE pairing, biases, factors, scale)",
          "[cli][info][arch]") {
    SKIP_WITHOUT_ARCH_MODELS();
    const auto forward = [](const std::string& name) {
        const auto r = test::run_cli({"info", (test::arch_models_dir() / name).string(), "--json"});
        REQUIRE(r.exit_code == 0);
        return test::json::parse(r.out)["forward_pass"];
    };
    const Value llama3 = forward("tiny-llama3-Q4_0.gguf");
    CHECK(llama3["norm"].as_string() == "RMSNorm");
    CHECK(llama3["feed_forward"].as_string() == "SwiGLU");
    CHECK(llama3["rope"].as_string() == "adjacent pairs");
    CHECK(llama3["rope_freqs"].as_bool());
    const Value qwen2 = forward("tiny-qwen2-Q8_0.gguf");
    CHECK(qwen2["rope"].as_string() == "NeoX halves");
    CHECK(qwen2["qkv_biases"].as_bool());
    CHECK_FALSE(qwen2["linear_biases"].as_bool());
    const Value phi2 = forward("tiny-phi2-F32.gguf");
    CHECK(phi2["norm"].as_string() == "LayerNorm");
    CHECK(phi2["feed_forward"].as_string() == "GELU");
    CHECK(phi2["linear_biases"].as_bool());
    CHECK(phi2["parallel_block"].as_bool());
    const auto gemma_file = test::arch_models_dir() / "tiny-gemma-Q4_0.gguf";
    const Value gemma = forward("tiny-gemma-Q4_0.gguf");
    CHECK(gemma["feed_forward"].as_string() == "GeGLU");
    const auto gemma_info = test::run_cli({"info", gemma_file.string(), "--json"});
    const double n_embd = static_cast<double>(test::json::parse(gemma_info.out)["hyperparameters"]["n_embd"].as_uint());
    CHECK(gemma["embed_scale"].as_double() == Approx(std::sqrt(n_embd)));
    const auto text = test::run_cli({"info", (test::arch_models_dir() / "tiny-phi2-Q8_0.gguf").string()});
    CHECK_THAT(text.out, Catch::Contains("forward pass: LayerNorm, GELU, RoPE on NeoX halves, q/k/v biases, output and MLP biases, "
                                         "attention and MLP in parallel"));
}

TEST_CASE("info: the tokenizer of every golden model is what llama.cpp used (vocab, model, pre, bos, eos, add_bos)",
          "[cli][info]") {
    SKIP_WITHOUT_SHARED();
    int models = 0;
    for (const std::string& golden_path : test::shared_files({"golden"}, ".greedy.json")) {
        const Value golden = test::json::parse_file(golden_path);
        const std::string model = test::shared_model_path(golden["model"].as_string());
        INFO(model);
        const Value tok = info_json({"info", model, "--json"})["tokenizer"];
        CHECK(tok["vocab_size"].as_uint() == golden["n_vocab"].as_uint());
        CHECK(tok["model"].as_string() == golden["tokenizer_model"].as_string());
        if (golden["tokenizer_pre"].is_null()) CHECK(tok["pre"].is_null());
        else CHECK(tok["pre"].as_string() == golden["tokenizer_pre"].as_string());
        CHECK(tok["bos_id"].as_int() == golden["bos_id"].as_int());
        CHECK(tok["eos_id"].as_int() == golden["eos_id"].as_int());
        CHECK(tok["add_bos"].as_bool() == golden["add_bos"].as_bool());
        ++models;
    }
    CHECK(models == 16);
}

TEST_CASE("info --tensor --dump: the float32 bytes hash to llama.cpp's fnv1a64 for f32, f16, q8_0, q5_0, q4_0, "
          "q4_K and q6_K tensors",
          "[cli][info]") {
    SKIP_WITHOUT_SHARED();
    const std::pair<const char*, const char*> cases[] = {
        {"stories260K.gguf", "blk.0.attn_q.weight"},          // f32
        {"llama-2-tiny-random.gguf", "token_embd.weight"},    // f16
        {"stories260K-Q8_0.gguf", "blk.1.ffn_up.weight"},     // q8_0
        {"tiny-Q5_0.gguf", "blk.0.attn_k.weight"},            // q5_0
        {"tiny-Q4_0.gguf", "blk.1.ffn_gate.weight"},          // q4_0
        {"tiny-Q4_0.gguf", "output.weight"},                  // q6_K
        {"tiny-Q4_K_M-pure.gguf", "blk.0.ffn_down.weight"},   // q4_K
    };
    const test::TempDir dir;
    const std::string dump = dir.file("dump.f32");
    for (const auto& [model, tensor] : cases) {
        const std::string path = test::shared_model_path(model);
        INFO(path << " " << tensor);
        const Value golden = test::json::parse_file(golden_tensors_path(path));
        const auto& items = golden.items();
        const std::string name = tensor;  // a structured binding: not capturable before C++20
        const auto expected = std::find_if(items.begin(), items.end(),
                                           [&](const Value& t) { return t["name"].as_string() == name; });
        REQUIRE(expected != items.end());

        const Value shown = info_json({"info", path, "--tensor", tensor, "--dump", dump, "--json"});
        CHECK(shown["tensor"]["type"].as_string() == (*expected)["type"].as_string());
        for (size_t i = 0; i < (*expected)["first"].size(); ++i)
            CHECK(shown["first"][i].as_float() == (*expected)["first"][i].as_float());
        const std::string bytes = test::read_bytes(dump);
        CHECK(bytes.size() == 4 * (*expected)["n"].as_uint());
        CHECK(test::hex64(test::fnv1a64(bytes.data(), bytes.size())) == (*expected)["fnv1a64"].as_string());
    }
}

TEST_CASE("info: missing, directory, non-GGUF and truncated files, unknown tensors and unwritable dumps are one "
          "error line and exit 1",
          "[cli][info]") {
    test::check_one_line_error({"info", "/nonexistent/model.gguf"}, "/nonexistent/model.gguf: cannot open");
    test::check_one_line_error({"info", fs::temp_directory_path().string()}, "is a directory");
    const test::TempDir dir;
    const std::string not_gguf = dir.file("not.gguf");
    test::write_bytes(not_gguf, "#!/bin/sh\necho this is not a model\n");
    test::check_one_line_error({"info", not_gguf}, "not a GGUF file");

    SKIP_WITHOUT_SHARED();
    const std::string model = test::shared_path("models/stories260K.gguf");
    const std::string truncated = dir.file("truncated.gguf");
    test::write_bytes(truncated, test::read_bytes(model).substr(0, 5000));
    test::check_one_line_error({"info", truncated}, "truncated?");
    test::check_one_line_error({"info", model, "--tensor", "no.such.weight"}, "tensor 'no.such.weight' not found");
    test::check_one_line_error({"info", model, "--tensor", "output.weight", "--dump", "/nonexistent/out.f32"},
                         "/nonexistent/out.f32: cannot create");
}

TEST_CASE("info: control bytes in a file's names and strings, or in an argument, are printed escaped",
          "[cli][info]") {
    const std::vector<float> data(8, 1.0f);
    gguf::Writer w;
    w.add_string("general.architecture", "llama\n\x1b[2J");
    w.add_string("general.name", "a\rb\x7f");
    w.add_tensor("t\x1b]0;title\x07", gguf::GgmlType::F32, {8}, data.data());
    const test::TempDir dir;
    const std::string path = dir.file("control.gguf");
    w.write(path);

    const auto text = test::run_cli({"info", path});
    INFO(text.err);
    CHECK(text.exit_code == 0);
    CHECK_THAT(text.out, Catch::Contains("model: a\\x0db\\x7f (architecture llama\\x0a\\x1b[2J)") &&
                             Catch::Contains("t\\x1b]0;title\\x07"));
    CHECK(std::none_of(text.out.begin(), text.out.end(), [](char c) { return c == '\x1b' || c == '\r'; }));
    test::check_one_line_error({"info", path, "--tensor", "no\nsuch\x1b[0m"}, "tensor 'no\\x0asuch\\x1b[0m' not found");
}

TEST_CASE("info: bad flags are a usage error with exit 2", "[cli][info]") {
    test::check_usage_error({"info"});
    test::check_usage_error({"info", "model.gguf", "--no-such-flag"});
    test::check_usage_error({"info", "model.gguf", "--dump", "out.f32"});  // --dump needs --tensor
    test::check_usage_error({"info", "model.gguf", "-c", "0"});
    test::check_usage_error({"info", "model.gguf", "-c", "many"});
    test::check_usage_error({"info", "model.gguf", "-c", "-1"}, "--context: Value -1 not in range 1 to 4294967296");
    test::check_usage_error({"info", "model.gguf", "--tensor", "", "--dump", "x.f32"}, "--tensor: must not be empty");
    test::check_usage_error({"info", "model.gguf", "--tensor", "output.weight", "--dump", ""}, "--dump: must not be empty");
}
