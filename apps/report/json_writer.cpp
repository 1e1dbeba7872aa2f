#include "apps/report/json_writer.h"

#include <cmath>

#include <fmt/format.h>

#include "tokenizer/unicode.h"

namespace report {

void JsonWriter::before_value() {
    if (after_key_) {
        after_key_ = false;
        return;
    }
    if (first_in_scope_.empty()) return;
    if (!first_in_scope_.back()) out_ += ',';
    first_in_scope_.back() = false;
}

void JsonWriter::append_string(std::string_view text) {
    out_ += '"';
    for (const char c : tokenizer::sanitize_utf8(text)) {
        switch (c) {
            case '"': out_ += "\\\""; break;
            case '\\': out_ += "\\\\"; break;
            case '\n': out_ += "\\n"; break;
            case '\r': out_ += "\\r"; break;
            case '\t': out_ += "\\t"; break;
            default:
                if (static_cast<unsigned char>(c) < 0x20) out_ += fmt::format("\\u{:04x}", static_cast<unsigned>(c));
                else out_ += c;
        }
    }
    out_ += '"';
}

JsonWriter& JsonWriter::begin_object() {
    before_value();
    out_ += '{';
    first_in_scope_.push_back(true);
    return *this;
}

JsonWriter& JsonWriter::end_object() {
    out_ += '}';
    first_in_scope_.pop_back();
    return *this;
}

JsonWriter& JsonWriter::begin_array() {
    before_value();
    out_ += '[';
    first_in_scope_.push_back(true);
    return *this;
}

JsonWriter& JsonWriter::end_array() {
    out_ += ']';
    first_in_scope_.pop_back();
    return *this;
}

JsonWriter& JsonWriter::key(std::string_view name) {
    before_value();
    append_string(name);
    out_ += ':';
    after_key_ = true;
    return *this;
}

JsonWriter& JsonWriter::value(std::string_view text) {
    before_value();
    append_string(text);
    return *this;
}

JsonWriter& JsonWriter::value(bool flag) {
    before_value();
    out_ += flag ? "true" : "false";
    return *this;
}

JsonWriter& JsonWriter::value(double number) {
    if (!std::isfinite(number)) return null();
    before_value();
    out_ += fmt::format("{}", number);  // shortest text that reads back as the same double
    return *this;
}

JsonWriter& JsonWriter::value(float number) {
    if (!std::isfinite(number)) return null();
    before_value();
    out_ += fmt::format("{}", number);
    return *this;
}

JsonWriter& JsonWriter::signed_integer(long long number) {
    before_value();
    out_ += fmt::format("{}", number);
    return *this;
}

JsonWriter& JsonWriter::unsigned_integer(unsigned long long number) {
    before_value();
    out_ += fmt::format("{}", number);
    return *this;
}

JsonWriter& JsonWriter::null() {
    before_value();
    out_ += "null";
    return *this;
}

}  // namespace report
