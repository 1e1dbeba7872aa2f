#include <catch2/catch.hpp>

#include <filesystem>

#include "gguf/gguf_file.h"
#include "support/json_reader.h"
#include "support/shared_data.h"

TEST_CASE("json reader: values, nesting, escapes and exact floats", "[json]") {
    const auto v = test::json::parse(R"({"a": [1, -2.5e3, true, null], "s": "x\"\u00e9\ud83d\ude00", "f": 0.1})");
    CHECK(v["a"].size() == 4);
    CHECK(v["a"][0].as_int() == 1);
    CHECK(v["a"][1].as_double() == -2500.0);
    CHECK(v["a"][2].as_bool());
    CHECK(v["a"][3].is_null());
    CHECK(v["s"].as_string() == "x\"\xc3\xa9\xf0\x9f\x98\x80");
    CHECK(v["f"].as_float() == 0.1f);
    CHECK_THROWS(test::json::parse("{\"a\": }"));
    CHECK_THROWS(test::json::parse("[1, 2"));
    CHECK_THROWS(v["missing"]);
}

TEST_CASE("json reader: reads every golden file of ../shared", "[json]") {
    SKIP_WITHOUT_SHARED();
    const std::vector<std::string> paths = test::shared_files({"golden"}, ".json");
    CHECK(paths.size() == 35);
    for (const std::string& path : paths) {
        INFO(path);
        const auto golden = test::json::parse_file(path);
        CHECK((golden.is_object() || golden.is_array()));
    }
    // A tensor table lists every tensor of its model, as the model's own GGUF header counts them.
    const std::string suffix = ".tensors.json";
    for (const std::string& path : test::shared_files({"golden"}, suffix)) {
        INFO(path);
        const std::string name = std::filesystem::path(path).filename().string();
        const std::string model = name.substr(0, name.size() - suffix.size()) + ".gguf";
        CHECK(test::json::parse_file(path).size() == gguf::File::open(test::shared_model_path(model)).tensors().size());
    }
}
