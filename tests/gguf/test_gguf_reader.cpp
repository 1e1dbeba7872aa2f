#include <catch2/catch.hpp>

#include <cstring>
#include <fstream>
#include <string>
#include <vector>
#include <sys/stat.h>

#include "gguf/gguf_file.h"
#include "gguf/gguf_writer.h"
#include "support/shared_data.h"
#include "support/temp_dir.h"

TEST_CASE("gguf reader: stories260K header, metadata and tensor table", "[gguf]") {
    SKIP_WITHOUT_SHARED();
    const auto file = gguf::File::open(test::shared_path("models/stories260K.gguf"));
    CHECK(file.version() == 3);
    CHECK(file.metadata().size() == 19);
    CHECK(file.tensors().size() == 48);
    CHECK(file.data_offset() == 14176);
    CHECK(file.alignment() == 32);
    CHECK(file.get_string("general.architecture") == "llama");
    CHECK(file.get_uint("llama.block_count") == 5);
    CHECK(file.get_uint("llama.attention.head_count_kv") == 4);
    CHECK(file.get_float("llama.attention.layer_norm_rms_epsilon") == Approx(1e-5));
    CHECK(file.get_string_array("tokenizer.ggml.tokens").size() == 512);
    const auto& embd = file.tensor("token_embd.weight");
    CHECK(embd.type == gguf::GgmlType::F32);
    CHECK(embd.ne[0] == 64);
    CHECK(embd.ne[1] == 512);
    CHECK(embd.n_bytes == 64 * 512 * 4);
}

TEST_CASE("gguf reader: typed getter errors name the key and both types", "[gguf]") {
    SKIP_WITHOUT_SHARED();
    const auto file = gguf::File::open(test::shared_path("models/stories260K.gguf"));
    REQUIRE_THROWS_WITH(file.get_uint("general.architecture"),
                        Catch::Contains("general.architecture") && Catch::Contains("unsigned integer") &&
                            Catch::Contains("string"));
    REQUIRE_THROWS_WITH(file.get_string("no.such.key"), Catch::Contains("no.such.key") && Catch::Contains("missing"));
    REQUIRE_THROWS_WITH(file.tensor("nope.weight"), Catch::Contains("nope.weight"));
}

TEST_CASE("gguf reader: vocab-only files may end without padding", "[gguf]") {
    SKIP_WITHOUT_SHARED();
    const auto file = gguf::File::open(test::shared_path("models/vocab/ggml-vocab-gpt-2.gguf"));
    CHECK(file.tensors().empty());
    CHECK(file.get_string_array("tokenizer.ggml.tokens").size() == 50257);
}

TEST_CASE("gguf reader: missing files, directories, pipes and devices are one clear error", "[gguf]") {
    REQUIRE_THROWS_WITH(gguf::File::open("/nonexistent/model.gguf"),
                        Catch::Contains("/nonexistent/model.gguf") && Catch::Contains("cannot open"));
    REQUIRE_THROWS_WITH(gguf::File::open("/tmp"), Catch::Contains("directory"));
    // A FIFO with no writer: opening it must not wait for one.
    const test::TempDir dir;
    REQUIRE(::mkfifo(dir.file("pipe.gguf").c_str(), 0600) == 0);
    REQUIRE_THROWS_WITH(gguf::File::open(dir.file("pipe.gguf")), Catch::EndsWith("pipe.gguf: not a regular file (a pipe or a device cannot be mapped)"));
    REQUIRE_THROWS_WITH(gguf::File::open("/dev/zero"), Catch::StartsWith("/dev/zero: not a regular file"));
}

TEST_CASE("gguf reader: GGUF v2 files, laid out as v3, are read", "[gguf]") {
    const std::vector<uint8_t> data(8 * 4, 0);
    gguf::Writer w;
    w.add_string("general.architecture", "llama");
    w.add_tensor("t", gguf::GgmlType::F32, {8}, data.data());
    auto bytes = w.to_bytes();
    bytes[4] = 2;  // the version field
    const auto file = gguf::File::parse(bytes.data(), bytes.size(), "v2.gguf");
    CHECK(file.version() == 2);
    CHECK(file.get_string("general.architecture") == "llama");
    CHECK(file.tensor("t").n_bytes == 32);
}

namespace {

// The process's resident file-backed memory (RssFile of /proc/self/status) in kB.
long resident_file_kb() {
    std::ifstream status("/proc/self/status");
    std::string line;
    while (std::getline(status, line))
        if (line.rfind("RssFile:", 0) == 0) return std::stol(line.substr(8));
    return -1;
}

}  // namespace

TEST_CASE("gguf reader: a released tensor leaves resident memory and reads back unchanged", "[gguf]") {
    const test::TempDir dir;
    const std::string path = dir.file("big.gguf");
    std::vector<float> weights(4u << 20);  // 16 MiB
    for (size_t i = 0; i < weights.size(); ++i) weights[i] = static_cast<float>(i % 1000) * 0.5f;
    gguf::Writer writer;
    writer.add_string("general.architecture", "llama");
    writer.add_tensor("big.weight", gguf::GgmlType::F32, {1024, weights.size() / 1024}, weights.data());
    writer.write(path);

    const auto file = gguf::File::open(path);
    const gguf::TensorInfo& big = file.tensor("big.weight");
    REQUIRE(std::memcmp(big.data, weights.data(), big.n_bytes) == 0);  // every page resident now
    const long before = resident_file_kb();
    REQUIRE(before >= 0);
    file.release(big);
    const long after = resident_file_kb();
    CHECK(before - after >= 15 * 1024);
    CHECK(std::memcmp(big.data, weights.data(), big.n_bytes) == 0);
    CHECK(file.get_string("general.architecture") == "llama");
}
