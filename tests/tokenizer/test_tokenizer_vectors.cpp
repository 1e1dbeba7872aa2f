// Tokenization against llama.cpp's own references: its tokenizer test vectors and the goldens' prompts.
#include <catch2/catch.hpp>

#include <filesystem>

#include "gguf/gguf_file.h"
#include "support/json_reader.h"
#include "support/shared_data.h"
#include "support/vocab_vectors.h"
#include "tokenizer/tokenizer.h"

namespace {

using tokenizer::Tokenizer;

// No BOS and no special-token parsing, as llama.cpp made the vectors.
void check_vectors(const Tokenizer& tok, const std::string& vectors) {
    const auto cases = test::read_vocab_vectors(vectors);
    REQUIRE(cases.size() == 46);
    for (const auto& c : cases) {
        INFO(vectors << " case: '" << c.text << "'");
        CHECK(tok.encode(c.text, false, false) == c.ids);
    }
}

std::vector<uint8_t> bytes_of_hex(const std::string& hex) {
    std::vector<uint8_t> out;
    for (size_t i = 0; i + 1 < hex.size(); i += 2) out.push_back(static_cast<uint8_t>(std::stoi(hex.substr(i, 2), nullptr, 16)));
    return out;
}

std::vector<uint8_t> bytes_of(const std::string& s) { return {s.begin(), s.end()}; }

std::vector<int32_t> ids_of(const test::json::Value& array) {
    std::vector<int32_t> ids;
    for (const auto& v : array.items()) ids.push_back(static_cast<int32_t>(v.as_int()));
    return ids;
}

}  // namespace

TEST_CASE("tokenizer: every llama.cpp test vector of every vocabulary", "[tokenizer]") {
    SKIP_WITHOUT_SHARED();
    const std::string name = GENERATE(from_range(test::vocab_names()));
    const auto file = gguf::File::open(test::vocab_path(name));
    check_vectors(Tokenizer::from_gguf(file), name);
}

TEST_CASE("tokenizer: bpe-smollm models (starcoder vocabulary, smollm pre-tokenizer) pass the starcoder vectors",
          "[tokenizer]") {
    SKIP_WITHOUT_SHARED();
    const std::string model = GENERATE(as<std::string>{}, "bpe-smollm-Q8_0.gguf", "bpe-smollm-Q4_0.gguf");
    const auto file = gguf::File::open(test::shared_path("models/quant/" + model));
    REQUIRE(file.get_string("tokenizer.ggml.pre") == "smollm");
    check_vectors(Tokenizer::from_gguf(file), "starcoder");
}

TEST_CASE("tokenizer: llama-2-tiny-random (Llama-2 vocabulary) passes the llama-spm vectors", "[tokenizer]") {
    SKIP_WITHOUT_SHARED();
    const auto file = gguf::File::open(test::shared_path("models/llama-2-tiny-random.gguf"));
    check_vectors(Tokenizer::from_gguf(file), "llama-spm");
}

TEST_CASE("tokenizer: goldens' prompt tokens, special ids, decoded text and pieces match llama.cpp", "[tokenizer]") {
    SKIP_WITHOUT_SHARED();
    size_t n_goldens = 0;
    for (const std::string& path : test::shared_files({"golden"}, ".greedy.json")) {
        ++n_goldens;
        const auto golden = test::json::parse_file(path);
        const std::string model = golden["model"].as_string();
        INFO(model);
        const auto file = gguf::File::open(test::shared_model_path(model));
        const Tokenizer tok = Tokenizer::from_gguf(file);
        CHECK(tok.n_vocab() == golden["n_vocab"].as_uint());
        CHECK(tok.bos() == golden["bos_id"].as_int());
        CHECK(tok.eos() == golden["eos_id"].as_int());
        CHECK(tok.eog_ids() == ids_of(golden["eog_ids"]));
        CHECK(tok.add_bos() == golden["add_bos"].as_bool());
        for (const auto& c : golden["cases"].items()) {
            INFO("prompt: " << c["prompt"].as_string());
            CHECK(tok.encode(c["prompt"].as_string(), true) == ids_of(c["prompt_tokens"]));
            const auto generated = ids_of(c["generated_tokens"]);
            CHECK(bytes_of(tok.decode(generated)) == bytes_of_hex(c["generated_text_hex"].as_string()));
            for (size_t i = 0; i < generated.size(); ++i)
                CHECK(bytes_of(tok.token_to_piece(generated[i], true)) ==
                      bytes_of_hex(c["generated_pieces_hex"][i].as_string()));
        }
    }
    CHECK(n_goldens == 16);
}
