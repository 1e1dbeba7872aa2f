// A small JSON reader for tests: the goldens in ../shared and the JSON our CLI prints.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace test::json {

class Value {
public:
    enum class Kind { Null, Bool, Number, String, Array, Object };

    Kind kind() const { return kind_; }
    bool is_null() const { return kind_ == Kind::Null; }
    bool is_number() const { return kind_ == Kind::Number; }
    bool is_string() const { return kind_ == Kind::String; }
    bool is_array() const { return kind_ == Kind::Array; }
    bool is_object() const { return kind_ == Kind::Object; }

    // Throw std::runtime_error on a kind mismatch or a missing key / index.
    bool as_bool() const;
    double as_double() const;
    float as_float() const;  // parsed straight from the text, so shortest-round-trip floats are exact
    int64_t as_int() const;
    uint64_t as_uint() const;
    const std::string& as_string() const;
    const std::string& number_text() const;
    const std::vector<Value>& items() const;
    const std::vector<std::pair<std::string, Value>>& members() const;
    size_t size() const;
    bool contains(std::string_view key) const;
    const Value& operator[](std::string_view key) const;
    const Value& operator[](size_t index) const;

private:
    friend class Parser;
    Kind kind_ = Kind::Null;
    bool boolean_ = false;
    std::string text_;  // string contents, or the number exactly as written
    std::vector<Value> items_;
    std::vector<std::pair<std::string, Value>> members_;
};

// Throws std::runtime_error with the byte offset of the first syntax error.
Value parse(std::string_view text);
Value parse_file(const std::string& path);

}  // namespace test::json
