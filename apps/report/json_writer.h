// A small streaming JSON writer for machine-readable command output (`info --json`, `perplexity -o json`, and each
// value of the benches' JSON, apps/report/table.h).
//
//   report::JsonWriter json;
//   json.begin_object().key("name").value("q4_0").key("bytes").value(uint64_t{18});
//   json.key("shape").begin_array().value(64).value(512).end_array().end_object();
//   fmt::print("{}\n", json.str());   // {"name":"q4_0","bytes":18,"shape":[64,512]}
//
// Strings are escaped and made valid UTF-8 (invalid bytes become U+FFFD); non-finite numbers are written as
// null. Nesting is the caller's job: keys only inside objects, every begin matched by an end.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace report {

class JsonWriter {
public:
    JsonWriter& begin_object();
    JsonWriter& end_object();
    JsonWriter& begin_array();
    JsonWriter& end_array();
    JsonWriter& key(std::string_view name);

    JsonWriter& value(std::string_view text);
    JsonWriter& value(const char* text) { return value(std::string_view(text)); }
    JsonWriter& value(bool flag);
    JsonWriter& value(double number);
    JsonWriter& value(float number);  // the shortest text that reads back as the same float
    template <typename Int, typename = std::enable_if_t<std::is_integral_v<Int> && !std::is_same_v<Int, bool>>>
    JsonWriter& value(Int number) {
        if constexpr (std::is_signed_v<Int>) return signed_integer(number);
        else return unsigned_integer(number);
    }
    // A value, or null when absent.
    template <typename T>
    JsonWriter& value(const std::optional<T>& maybe) {
        return maybe ? value(*maybe) : null();
    }
    JsonWriter& null();

    const std::string& str() const { return out_; }

private:
    JsonWriter& signed_integer(long long number);
    JsonWriter& unsigned_integer(unsigned long long number);
    void before_value();
    void append_string(std::string_view text);

    std::string out_;
    std::vector<bool> first_in_scope_;  // one entry per open object or array
    bool after_key_ = false;
};

}  // namespace report
