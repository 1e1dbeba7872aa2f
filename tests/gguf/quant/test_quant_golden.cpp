// Every tensor of every model in ../shared dequantizes to llama.cpp's values bit for bit
// (golden/*.tensors.json: fnv1a64 of the float32 bytes, sum, first 8 values).
#include <catch2/catch.hpp>

#include <cmath>
#include <filesystem>
#include <vector>

#include "gguf/dequantize_tensor.h"
#include "gguf/gguf_file.h"
#include "gguf/quant/quant.h"
#include "support/fnv1a64.h"
#include "support/json_reader.h"
#include "support/shared_data.h"

namespace {

namespace fs = std::filesystem;

// Sum in double with Neumaier compensation: close enough to math.fsum for a 1e-9 relative check.
double compensated_sum(const std::vector<float>& values) {
    double sum = 0, compensation = 0;
    for (const float v : values) {
        const double t = sum + v;
        compensation += std::fabs(sum) >= std::fabs(v) ? (sum - t) + v : (v - t) + sum;
        sum = t;
    }
    return sum + compensation;
}

void check_against_golden(const fs::path& model, const fs::path& golden_path) {
    const auto file = gguf::File::open(model.string());
    const auto golden = test::json::parse_file(golden_path.string());
    REQUIRE(golden.size() == file.tensors().size());
    std::vector<float> values;
    for (size_t i = 0; i < golden.size(); ++i) {
        const auto& expected = golden[i];
        const auto& tensor = file.tensors()[i];
        INFO(model.filename().string() << " tensor " << tensor.name << " (" << gguf::ggml_type_name(tensor.type)
                                       << ")");
        REQUIRE(tensor.name == expected["name"].as_string());
        REQUIRE(gguf::ggml_type_name(tensor.type) == expected["type"].as_string());
        REQUIRE(tensor.n_elements == expected["n"].as_uint());
        for (size_t d = 0; d < expected["ne"].size(); ++d) REQUIRE(tensor.ne[d] == expected["ne"][d].as_uint());

        values.assign(tensor.n_elements, 0.0f);
        gguf::dequantize_tensor(tensor, values.data());
        CHECK(test::hex64(test::fnv1a64(values.data(), values.size() * sizeof(float))) ==
              expected["fnv1a64"].as_string());
        CHECK(std::fabs(compensated_sum(values) - expected["sum"].as_double()) <=
              1e-9 * expected["sum_abs"].as_double());
        const auto& first = expected["first"];
        for (size_t k = 0; k < first.size(); ++k) CHECK(values[k] == first[k].as_float());
    }
}

}  // namespace

TEST_CASE("quant golden: every tensor of every shared model dequantizes as llama.cpp does", "[quant][golden]") {
    SKIP_WITHOUT_SHARED();
    int checked = 0;
    for (const fs::path model : test::shared_files({"models", "models/quant"}, ".gguf")) {
        const fs::path golden = fs::path(test::shared_path("golden")) / (model.stem().string() + ".tensors.json");
        if (!fs::exists(golden)) continue;
        check_against_golden(model, golden);
        ++checked;
    }
    CHECK(checked == 17);  // every golden in ../shared/golden has its model
}
