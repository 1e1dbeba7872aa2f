// `quantize`: llama.cpp's type choices and fallbacks, files that read back, and byte-identical output.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstring>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "apps/quantize/model_quantize.h"
#include "gguf/dequantize_tensor.h"
#include "gguf/file_type.h"
#include "gguf/gguf_file.h"
#include "gguf/gguf_writer.h"
#include "gguf/quant/quant.h"
#include "support/cli_runner.h"
#include "support/file_bytes.h"
#include "support/quant_test_data.h"
#include "support/shared_data.h"
#include "support/temp_dir.h"

using gguf::GgmlType;

namespace {

struct ModelShape {
    uint64_t embd, ff, vocab;
};

// A two-layer llama model in f32 with random weights, written with our writer. The ffn_down rows are `ff` wide.
void write_model(const std::string& path, const ModelShape& s, std::vector<std::vector<float>>& storage) {
    gguf::Writer w;
    w.add_string("general.architecture", "llama");
    w.add_string("general.name", "quantize-test");
    w.add_u32("general.file_type", 0);
    w.add_u32("llama.block_count", 2);
    w.add_u32("llama.embedding_length", static_cast<uint32_t>(s.embd));
    w.add_u32("llama.attention.head_count", 4);
    w.add_u32("llama.attention.head_count_kv", 2);
    w.add_f32("llama.attention.layer_norm_rms_epsilon", 1e-5f);
    test::SplitMix64 rng(17);
    auto add = [&](const std::string& name, std::vector<uint64_t> shape) {
        uint64_t n = 1;
        for (const auto d : shape) n *= d;
        storage.emplace_back(n);
        for (auto& v : storage.back()) v = shape.size() == 1 ? 1.0f + 0.1f * rng.bell() : rng.bell();
        w.add_tensor(name, GgmlType::F32, shape, storage.back().data());
    };
    add("token_embd.weight", {s.embd, s.vocab});
    for (int l = 0; l < 2; ++l) {
        const std::string blk = "blk." + std::to_string(l) + ".";
        add(blk + "attn_norm.weight", {s.embd});
        add(blk + "attn_q.weight", {s.embd, 32});
        add(blk + "attn_k.weight", {s.embd, 16});
        add(blk + "attn_v.weight", {s.embd, 16});
        add(blk + "attn_output.weight", {s.embd, 32});
        add(blk + "ffn_norm.weight", {s.embd});
        add(blk + "ffn_gate.weight", {s.embd, s.ff});
        add(blk + "ffn_up.weight", {s.embd, s.ff});
        add(blk + "ffn_down.weight", {s.ff, 8});
    }
    add("output_norm.weight", {s.embd});
    add("output.weight", {s.embd, s.vocab});
    w.write(path);
}

std::vector<quantize::QuantizedTensor> quantize_file(const std::string& in, const std::string& out, const char* type,
                                                    bool pure = false, unsigned threads = 1) {
    quantize::QuantizeRequest request;
    request.input = in;
    request.output = out;
    request.file_type = *gguf::file_type_from_name(type);
    request.pure = pure;
    request.threads = threads;
    return quantize::quantize_model(request);
}

std::vector<float> dequantized(const gguf::TensorInfo& t) {
    std::vector<float> values(t.n_elements);
    gguf::dequantize_tensor(t, values.data());
    return values;
}

// Bits per weight of each type, to bound the relative RMS error of a round trip (about 2^-bits, with room).
double relative_rms_bound(GgmlType type) {
    switch (type) {
        case GgmlType::F32: return 0;
        case GgmlType::F16: return 1e-3;
        case GgmlType::BF16: return 4e-3;
        case GgmlType::Q8_0: return 0.01;
        case GgmlType::Q6_K: return 0.03;
        case GgmlType::Q5_0: case GgmlType::Q5_1: case GgmlType::Q5_K: return 0.06;
        case GgmlType::Q4_0: case GgmlType::Q4_1: case GgmlType::Q4_K: return 0.12;
        case GgmlType::Q3_K: return 0.25;
        default: return 0.5;  // q2_K
    }
}

}  // namespace

TEST_CASE("quantize: every file type writes a file that reads back close to its source", "[quantize]") {
    test::TempDir dir;
    std::vector<std::vector<float>> storage;
    const std::string source_path = dir.file("source.gguf");
    write_model(source_path, {256, 256, 64}, storage);
    const auto source = gguf::File::open(source_path);
    for (const auto name : gguf::file_type_names()) {
        INFO("type " << name);
        const std::string out = dir.file(std::string(name) + ".gguf");
        quantize_file(source_path, out, std::string(name).c_str());
        const auto result = gguf::File::open(out);
        CHECK(result.get_uint("general.file_type") ==
              static_cast<uint32_t>(gguf::file_type_from_name(name)->file_type));
        CHECK(result.get_uint("general.quantization_version") == 2);
        CHECK(result.get_string("general.name") == "quantize-test");
        CHECK(result.get_float("llama.attention.layer_norm_rms_epsilon") == Approx(1e-5));
        REQUIRE(result.tensors().size() == source.tensors().size());
        for (const auto& t : result.tensors()) {
            INFO(t.name << " " << gguf::ggml_type_name(t.type));
            const auto& original = source.tensor(t.name);
            CHECK(t.ne == original.ne);
            if (t.n_dims == 1) CHECK(t.type == GgmlType::F32);
            const auto x = dequantized(original), y = dequantized(t);
            double err = 0, norm = 0;
            for (size_t i = 0; i < x.size(); ++i) {
                err += (static_cast<double>(x[i]) - y[i]) * (static_cast<double>(x[i]) - y[i]);
                norm += static_cast<double>(x[i]) * x[i];
            }
            CHECK(std::sqrt(err / norm) <= relative_rms_bound(t.type));
        }
    }
}

TEST_CASE("quantize: llama.cpp's type mixes and output rules on a model whose rows fit every type", "[quantize]") {
    test::TempDir dir;
    std::vector<std::vector<float>> storage;
    write_model(dir.file("source.gguf"), {256, 256, 64}, storage);
    struct Expected {
        const char* type;
        std::map<std::string, GgmlType> types;  // tensors not listed have the default type (norms: f32)
    };
    const Expected cases[] = {
        {"Q4_0", {{"output.weight", GgmlType::Q6_K}}},
        {"Q8_0", {}},
        {"Q4_K_M",  // use_more_bits(i, 2): layer 1 (7 * 2 / 8 = 1) for attn_v and ffn_down
         {{"output.weight", GgmlType::Q6_K}, {"blk.1.attn_v.weight", GgmlType::Q6_K},
          {"blk.1.ffn_down.weight", GgmlType::Q6_K}}},
        {"Q4_K_S", {{"output.weight", GgmlType::Q6_K}, {"blk.0.attn_v.weight", GgmlType::Q5_K},
                    {"blk.1.attn_v.weight", GgmlType::Q5_K}}},
        {"Q3_K_M", {{"output.weight", GgmlType::Q6_K}, {"blk.0.attn_v.weight", GgmlType::Q5_K},
                    {"blk.1.attn_v.weight", GgmlType::Q5_K}, {"blk.0.ffn_down.weight", GgmlType::Q4_K},
                    {"blk.1.ffn_down.weight", GgmlType::Q4_K}, {"blk.0.attn_output.weight", GgmlType::Q4_K},
                    {"blk.1.attn_output.weight", GgmlType::Q4_K}}},
        // Q2_K: 4 heads over 2 KV heads is a GQA factor of 2, below the 4 that gets attn_v q4_K.
        {"Q2_K", {{"output.weight", GgmlType::Q6_K}, {"blk.0.attn_v.weight", GgmlType::Q3_K},
                  {"blk.1.attn_v.weight", GgmlType::Q3_K}, {"blk.0.ffn_down.weight", GgmlType::Q3_K},
                  {"blk.1.ffn_down.weight", GgmlType::Q3_K}, {"blk.0.attn_output.weight", GgmlType::Q3_K},
                  {"blk.1.attn_output.weight", GgmlType::Q3_K}}},
        {"F16", {}},
    };
    for (const auto& c : cases) {
        INFO("type " << c.type);
        quantize_file(dir.file("source.gguf"), dir.file("out.gguf"), c.type);
        const auto file = gguf::File::open(dir.file("out.gguf"));
        const GgmlType default_type = gguf::file_type_from_name(c.type)->default_type;
        for (const auto& t : file.tensors()) {
            INFO(t.name);
            const auto listed = c.types.find(std::string(t.name));
            const GgmlType expected = t.n_dims == 1 ? GgmlType::F32
                                      : listed != c.types.end() ? listed->second : default_type;
            CHECK(t.type == expected);
        }
    }
}

TEST_CASE("quantize: rows that do not fit fall back to a 32-element type, then to f16", "[quantize]") {
    test::TempDir dir;
    std::vector<std::vector<float>> storage;
    write_model(dir.file("source.gguf"), {64, 96, 32}, storage);  // rows 64 and 96 wide: no K-quant fits
    struct Expected {
        const char* type;
        GgmlType weights;  // 64- and 96-wide rows
        GgmlType output;
    };
    const Expected cases[] = {
        {"Q4_K_S", GgmlType::Q5_0, GgmlType::Q8_0}, {"Q5_K_S", GgmlType::Q5_1, GgmlType::Q8_0},
        {"Q6_K", GgmlType::Q8_0, GgmlType::Q8_0},   {"Q2_K", GgmlType::Q4_0, GgmlType::Q8_0},
        {"Q4_0", GgmlType::Q4_0, GgmlType::Q8_0},   // output: q6_K chosen, then q8_0 as its row does not fit
    };
    for (const auto& c : cases) {
        INFO("type " << c.type);
        const auto report = quantize_file(dir.file("source.gguf"), dir.file("out.gguf"), c.type, true);
        const auto file = gguf::File::open(dir.file("out.gguf"));
        CHECK(file.tensor("blk.0.attn_q.weight").type == c.weights);
        CHECK(file.tensor("blk.1.ffn_down.weight").type == c.weights);
        CHECK(file.tensor("output_norm.weight").type == GgmlType::F32);
        const GgmlType default_type = gguf::file_type_from_name(c.type)->default_type;
        for (const auto& t : report)
            if (t.name == "blk.0.attn_q.weight") CHECK(t.fell_back == (c.weights != default_type));
    }
    // Without --pure the output rule applies: q6_K does not fit 64-wide rows, so q8_0.
    quantize_file(dir.file("source.gguf"), dir.file("out.gguf"), "Q4_0");
    CHECK(gguf::File::open(dir.file("out.gguf")).tensor("output.weight").type == GgmlType::Q8_0);

    write_model(dir.file("odd.gguf"), {64, 40, 32}, storage);  // ffn_down rows 40 wide: not even 32 fits
    quantize_file(dir.file("odd.gguf"), dir.file("out.gguf"), "Q4_K_M");
    const auto file = gguf::File::open(dir.file("out.gguf"));
    CHECK(file.tensor("blk.0.ffn_down.weight").type == GgmlType::F16);
    CHECK(file.tensor("blk.0.ffn_gate.weight").type == GgmlType::Q5_0);
}

TEST_CASE("quantize: the output does not depend on the thread count", "[quantize]") {
    test::TempDir dir;
    std::vector<std::vector<float>> storage;
    write_model(dir.file("source.gguf"), {256, 256, 64}, storage);
    quantize_file(dir.file("source.gguf"), dir.file("one.gguf"), "Q4_K_M", false, 1);
    quantize_file(dir.file("source.gguf"), dir.file("two.gguf"), "Q4_K_M", false, 2);
    const auto one = gguf::File::open(dir.file("one.gguf")), two = gguf::File::open(dir.file("two.gguf"));
    REQUIRE(one.file_size() == two.file_size());
    for (size_t i = 0; i < one.tensors().size(); ++i)
        CHECK(std::memcmp(one.tensors()[i].data, two.tensors()[i].data, one.tensors()[i].n_bytes) == 0);
}

TEST_CASE("quantize: stories260K comes out byte for byte as llama.cpp's F16, Q8_0, Q5_0 and Q4_0 files",
          "[quantize]") {
    SKIP_WITHOUT_SHARED();
    test::TempDir dir;
    for (const char* type : {"F16", "Q8_0", "Q5_0", "Q4_0"}) {
        INFO(type);
        const std::string out = dir.file(std::string(type) + ".gguf");
        quantize_file(test::shared_path("models/stories260K.gguf"), out, type, false, 2);
        const auto ours = gguf::File::open(out);
        const std::string reference = test::shared_path(std::string("models/quant/stories260K-") + type + ".gguf");
        const auto theirs = gguf::File::open(reference);
        REQUIRE(ours.file_size() == theirs.file_size());
        std::vector<uint8_t> a(ours.file_size()), b(theirs.file_size());
        // Compare the whole files: header, metadata, tensor table and data.
        const auto read = [](const std::string& path, std::vector<uint8_t>& bytes) {
            std::FILE* f = std::fopen(path.c_str(), "rb");
            REQUIRE(f != nullptr);
            CHECK(std::fread(bytes.data(), 1, bytes.size(), f) == bytes.size());
            std::fclose(f);
        };
        read(out, a);
        read(reference, b);
        CHECK(a == b);
    }
}

TEST_CASE("quantize: the other families' files (biases, fused qkv, LayerNorm, rope_freqs) come out as llama.cpp's",
          "[quantize][arch]") {
    SKIP_WITHOUT_ARCH_MODELS();
    test::TempDir dir;
    // gemma both ways; the larger files in one type each (they take seconds, minutes under emulation)
    for (const auto& [family, type] : {std::pair<const char*, const char*>{"gemma", "Q8_0"}, {"gemma", "Q4_0"},
                                       {"llama3", "Q4_0"}, {"qwen2", "Q8_0"}, {"phi2", "Q4_0"}}) {
        INFO(family << " " << type);
        const std::string out = dir.file(std::string(family) + type + ".gguf");
        const std::string stem = (test::arch_models_dir() / (std::string("tiny-") + family)).string();
        quantize_file(stem + "-F32.gguf", out, type, false, 2);
        CHECK(test::read_bytes(out) == test::read_bytes(stem + "-" + type + ".gguf"));
    }
}

TEST_CASE("quantize: each family's Q4_K_M mix is llama.cpp's, tensor by tensor, and gemma's bytes are too",
          "[quantize][arch]") {
    SKIP_WITHOUT_ARCH_MODELS();
    const std::filesystem::path kquant = test::arch_models_dir() / "kquant";
    if (!std::filesystem::exists(kquant / "tiny-gemma-Q4_K_M.gguf")) {
        WARN("skipped: llama.cpp's Q4_K_M files are missing (scripts/make-arch-models.sh makes them)");
        return;
    }
    for (const char* family : {"llama3", "qwen2", "phi2", "gemma"}) {
        INFO(family);
        const auto source = gguf::File::open((test::arch_models_dir() / (std::string("tiny-") + family + "-F32.gguf")).string());
        const auto made = gguf::File::open((kquant / (std::string("tiny-") + family + "-Q4_K_M.gguf")).string());
        const auto plan = quantize::plan_quantization(source, *gguf::file_type_from_name("Q4_K_M"), false);
        REQUIRE(plan.size() == made.tensors().size());
        for (size_t i = 0; i < plan.size(); ++i) {
            INFO(plan[i].tensor->name);
            CHECK(plan[i].tensor->name == made.tensors()[i].name);
            CHECK(plan[i].type == made.tensors()[i].type);
        }
    }
    test::TempDir dir;
    quantize_file((test::arch_models_dir() / "tiny-gemma-F32.gguf").string(), dir.file("gemma.gguf"), "Q4_K_M", false, 2);
    CHECK(test::read_bytes(dir.file("gemma.gguf")) == test::read_bytes((kquant / "tiny-gemma-Q4_K_M.gguf").string()));
}

TEST_CASE("quantize: the tiny models get llama.cpp's per-tensor types", "[quantize]") {
    SKIP_WITHOUT_SHARED();
    // tiny-f16 has the shapes and metadata of the F32 source llama.cpp quantized, so our plan for it must name
    // the same types, in the same order, as the files llama.cpp wrote.
    const auto source = gguf::File::open(test::shared_path("models/quant/tiny-f16.gguf"));
    struct Case {
        const char* file;
        const char* type;
        bool pure;
    };
    for (const auto& c : {Case{"tiny-Q8_0", "Q8_0", false}, Case{"tiny-Q6_K", "Q6_K", false},
                          Case{"tiny-Q6_K-pure", "Q6_K", true}, Case{"tiny-Q5_0", "Q5_0", false},
                          Case{"tiny-Q4_K_M", "Q4_K_M", false}, Case{"tiny-Q4_K_M-pure", "Q4_K_M", true},
                          Case{"tiny-Q4_0", "Q4_0", false}}) {
        INFO(c.file);
        const auto made = gguf::File::open(test::shared_path(std::string("models/quant/") + c.file + ".gguf"));
        const auto plan = quantize::plan_quantization(source, *gguf::file_type_from_name(c.type), c.pure);
        REQUIRE(plan.size() == made.tensors().size());
        for (size_t i = 0; i < plan.size(); ++i) {
            CHECK(plan[i].tensor->name == made.tensors()[i].name);
            CHECK(plan[i].type == made.tensors()[i].type);
        }
    }
    // bpe-smollm: tied embeddings, so token_embd is the output matrix and gets q6_K in the Q4_0 mix.
    const auto bpe = gguf::File::open(test::shared_path("models/quant/bpe-smollm-Q8_0.gguf"));
    const auto bpe_q4 = gguf::File::open(test::shared_path("models/quant/bpe-smollm-Q4_0.gguf"));
    const auto plan = quantize::plan_quantization(bpe, *gguf::file_type_from_name("Q4_0"), false);
    REQUIRE(plan.size() == bpe_q4.tensors().size());
    for (size_t i = 0; i < plan.size(); ++i) CHECK(plan[i].type == bpe_q4.tensors()[i].type);
}

TEST_CASE("quantize CLI: one line of error for bad input, usage errors exit 2", "[quantize][cli]") {
    test::TempDir dir;
    std::vector<std::vector<float>> storage;
    write_model(dir.file("source.gguf"), {64, 64, 32}, storage);

    auto r = test::run_cli({"quantize", dir.file("source.gguf"), dir.file("out.gguf"), "--type", "q4_k_m"});
    CHECK(r.exit_code == 0);
    CHECK_THAT(r.out, Catch::Contains("q5_0"));  // 64-wide rows fell back
    CHECK(std::filesystem::exists(dir.file("out.gguf")));

    r = test::run_cli({"quantize", dir.file("source.gguf"), dir.file("out.gguf"), "--type", "q9_9"});
    CHECK(r.exit_code == 2);
    r = test::run_cli({"quantize", dir.file("source.gguf"), dir.file("out.gguf")});
    CHECK(r.exit_code == 2);

    r = test::run_cli({"quantize", dir.file("missing.gguf"), dir.file("out2.gguf"), "--type", "q8_0"});
    CHECK(r.exit_code == 1);
    CHECK_THAT(r.err, Catch::StartsWith("error: ") && Catch::Contains("missing.gguf"));

    r = test::run_cli({"quantize", dir.file("source.gguf"), dir.file("source.gguf"), "--type", "q8_0"});
    CHECK(r.exit_code == 1);
    CHECK_THAT(r.err, Catch::Contains("overwrite the input"));
    CHECK(gguf::File::open(dir.file("source.gguf")).tensors().size() == 21);  // untouched
}

TEST_CASE("quantize: NaN weights are refused, naming the tensor and row, and the output path is left as it was", "[quantize]") {
    test::TempDir dir;
    std::vector<std::vector<float>> storage;
    write_model(dir.file("source.gguf"), {64, 64, 32}, storage);
    gguf::Writer w;
    const auto source = gguf::File::open(dir.file("source.gguf"));
    std::vector<float> poisoned;
    for (const auto& [key, value] : source.metadata()) w.add_value(key, value);
    for (const auto& t : source.tensors()) {
        if (t.name == "blk.1.attn_k.weight") {
            const auto* values = reinterpret_cast<const float*>(t.data);
            poisoned.assign(values, values + t.n_elements);
            poisoned[5 * 64 + 3] = std::nanf("");
            w.add_tensor(t.name, t.type, {t.ne[0], t.ne[1]}, poisoned.data());
        } else {
            w.add_tensor(t.name, t.type, std::vector<uint64_t>(t.ne.begin(), t.ne.begin() + t.n_dims), t.data);
        }
    }
    w.write(dir.file("nan.gguf"));
    const auto r = test::run_cli({"quantize", dir.file("nan.gguf"), dir.file("out.gguf"), "--type", "q4_0"});
    CHECK(r.exit_code == 1);
    CHECK_THAT(r.err, Catch::Contains("blk.1.attn_k.weight") && Catch::Contains("row 5") && Catch::Contains("NaN"));
    CHECK_FALSE(std::filesystem::exists(dir.file("out.gguf")));
    // A file already at the output path is left as it was.
    test::write_bytes(dir.file("out.gguf"), "PRECIOUS");
    CHECK(test::run_cli({"quantize", dir.file("nan.gguf"), dir.file("out.gguf"), "--type", "q4_0"}).exit_code == 1);
    CHECK(test::read_bytes(dir.file("out.gguf")) == "PRECIOUS");
    CHECK(std::distance(std::filesystem::directory_iterator(dir.file("")), std::filesystem::directory_iterator()) == 3);
}
