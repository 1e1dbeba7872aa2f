#include <catch2/catch.hpp>

#include <cmath>
#include <limits>
#include <optional>

#include "apps/report/json_writer.h"
#include "support/json_reader.h"

TEST_CASE("json writer: nesting, commas and every kind of value read back with the JSON reader", "[json]") {
    report::JsonWriter json;
    json.begin_object();
    json.key("s").value("a \"quoted\" \\ line\nwith\ttab and \x01");
    json.key("neg").value(int64_t{-9000000000000000000}).key("big").value(uint64_t{18000000000000000000ull});
    json.key("f").value(0.1f).key("d").value(0.1).key("t").value(true).key("n").null();
    json.key("empty").begin_array().end_array().key("obj").begin_object().end_object();
    json.key("list").begin_array().value(1).value("two").begin_object().key("x").value(3u).end_object().end_array();
    json.key("some").value(std::optional<int>(5)).key("none").value(std::optional<int>());
    json.end_object();

    const auto v = test::json::parse(json.str());
    CHECK(v["s"].as_string() == "a \"quoted\" \\ line\nwith\ttab and \x01");
    CHECK(v["neg"].as_int() == -9000000000000000000);
    CHECK(v["big"].as_uint() == 18000000000000000000ull);
    CHECK(v["f"].as_float() == 0.1f);
    CHECK(v["f"].number_text() == "0.1");
    CHECK(v["d"].as_double() == 0.1);
    CHECK(v["t"].as_bool());
    CHECK(v["n"].is_null());
    CHECK(v["empty"].size() == 0);
    CHECK(v["obj"].is_object());
    REQUIRE(v["list"].size() == 3);
    CHECK(v["list"][1].as_string() == "two");
    CHECK(v["list"][2]["x"].as_uint() == 3);
    CHECK(v["some"].as_int() == 5);
    CHECK(v["none"].is_null());
}

TEST_CASE("json writer: invalid UTF-8 becomes U+FFFD and non-finite numbers null, so the output stays JSON",
          "[json]") {
    report::JsonWriter json;
    json.begin_array().value("ok \xc3\xa9 bad \xff end").value(std::nan("")).value(-INFINITY);
    json.value(std::numeric_limits<float>::infinity()).end_array();
    CHECK(json.str() == "[\"ok \xc3\xa9 bad \xef\xbf\xbd end\",null,null,null]");
}
