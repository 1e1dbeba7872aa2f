#include <catch2/catch.hpp>

#include "json_reader.h"
#include "shared_data.h"

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
    const auto crate = test::json::parse_file(test::shared_path("golden/attention-crate.json"));
    CHECK(crate["cases"].size() > 0);
    const auto tensors = test::json::parse_file(test::shared_path("golden/stories260K.tensors.json"));
    CHECK(tensors.size() == 48);
}
