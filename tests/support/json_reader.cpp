#include "support/json_reader.h"

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "tokenizer/unicode.h"

namespace test::json {

class Parser {
public:
    explicit Parser(std::string_view text) : text_(text) {}

    Value parse_document() {
        Value v = parse_value();
        skip_space();
        if (pos_ != text_.size()) fail("trailing characters");
        return v;
    }

private:
    [[noreturn]] void fail(const std::string& what) const {
        throw std::runtime_error("json: " + what + " at byte " + std::to_string(pos_));
    }
    void skip_space() {
        while (pos_ < text_.size() && (text_[pos_] == ' ' || text_[pos_] == '\n' || text_[pos_] == '\r' || text_[pos_] == '\t'))
            ++pos_;
    }
    char peek() {
        skip_space();
        if (pos_ >= text_.size()) fail("unexpected end");
        return text_[pos_];
    }
    void expect(char c) {
        if (peek() != c) fail(std::string("expected '") + c + "'");
        ++pos_;
    }
    bool consume_literal(std::string_view word) {
        if (text_.substr(pos_, word.size()) != word) return false;
        pos_ += word.size();
        return true;
    }

    Value parse_value() {
        Value v;
        const char c = peek();
        if (c == '{') {
            v.kind_ = Value::Kind::Object;
            ++pos_;
            if (peek() == '}') { ++pos_; return v; }
            for (;;) {
                if (peek() != '"') fail("expected a key");
                std::string key = parse_string();
                expect(':');
                v.members_.emplace_back(std::move(key), parse_value());
                if (peek() == ',') { ++pos_; continue; }
                expect('}');
                return v;
            }
        }
        if (c == '[') {
            v.kind_ = Value::Kind::Array;
            ++pos_;
            if (peek() == ']') { ++pos_; return v; }
            for (;;) {
                v.items_.push_back(parse_value());
                if (peek() == ',') { ++pos_; continue; }
                expect(']');
                return v;
            }
        }
        if (c == '"') {
            v.kind_ = Value::Kind::String;
            v.text_ = parse_string();
            return v;
        }
        if (consume_literal("true")) { v.kind_ = Value::Kind::Bool; v.boolean_ = true; return v; }
        if (consume_literal("false")) { v.kind_ = Value::Kind::Bool; return v; }
        if (consume_literal("null")) return v;
        const size_t start = pos_;
        while (pos_ < text_.size() && std::string_view("+-0123456789.eE").find(text_[pos_]) != std::string_view::npos) ++pos_;
        if (start == pos_) fail("unexpected character");
        v.kind_ = Value::Kind::Number;
        v.text_ = std::string(text_.substr(start, pos_ - start));
        return v;
    }

    uint32_t parse_hex4() {
        if (pos_ + 4 > text_.size()) fail("short \\u escape");
        const std::string hex(text_.substr(pos_, 4));
        pos_ += 4;
        return static_cast<uint32_t>(std::strtoul(hex.c_str(), nullptr, 16));
    }

    std::string parse_string() {
        expect('"');
        std::string out;
        for (;;) {
            if (pos_ >= text_.size()) fail("unterminated string");
            const char c = text_[pos_++];
            if (c == '"') return out;
            if (c != '\\') { out += c; continue; }
            if (pos_ >= text_.size()) fail("unterminated escape");
            const char e = text_[pos_++];
            switch (e) {
                case '"': out += '"'; break;
                case '\\': out += '\\'; break;
                case '/': out += '/'; break;
                case 'b': out += '\b'; break;
                case 'f': out += '\f'; break;
                case 'n': out += '\n'; break;
                case 'r': out += '\r'; break;
                case 't': out += '\t'; break;
                case 'u': {
                    uint32_t cp = parse_hex4();
                    if (cp >= 0xD800 && cp < 0xDC00 && text_.substr(pos_, 2) == "\\u") {
                        pos_ += 2;
                        const uint32_t low = parse_hex4();
                        cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
                    }
                    tokenizer::append_utf8(out, cp);
                    break;
                }
                default: fail("bad escape");
            }
        }
    }

    std::string_view text_;
    size_t pos_ = 0;
};

namespace {
[[noreturn]] void kind_error(const char* wanted) { throw std::runtime_error(std::string("json: value is not ") + wanted); }
}  // namespace

bool Value::as_bool() const {
    if (kind_ != Kind::Bool) kind_error("a bool");
    return boolean_;
}
double Value::as_double() const {
    if (kind_ != Kind::Number) kind_error("a number");
    return std::strtod(text_.c_str(), nullptr);
}
float Value::as_float() const {
    if (kind_ != Kind::Number) kind_error("a number");
    return std::strtof(text_.c_str(), nullptr);
}
int64_t Value::as_int() const {
    if (kind_ != Kind::Number) kind_error("a number");
    return std::strtoll(text_.c_str(), nullptr, 10);
}
uint64_t Value::as_uint() const {
    if (kind_ != Kind::Number) kind_error("a number");
    return std::strtoull(text_.c_str(), nullptr, 10);
}
const std::string& Value::as_string() const {
    if (kind_ != Kind::String) kind_error("a string");
    return text_;
}
const std::string& Value::number_text() const {
    if (kind_ != Kind::Number) kind_error("a number");
    return text_;
}
const std::vector<Value>& Value::items() const {
    if (kind_ != Kind::Array) kind_error("an array");
    return items_;
}
const std::vector<std::pair<std::string, Value>>& Value::members() const {
    if (kind_ != Kind::Object) kind_error("an object");
    return members_;
}
size_t Value::size() const { return kind_ == Kind::Object ? members_.size() : items().size(); }
bool Value::contains(std::string_view key) const {
    for (const auto& m : members())
        if (m.first == key) return true;
    return false;
}
const Value& Value::operator[](std::string_view key) const {
    for (const auto& m : members())
        if (m.first == key) return m.second;
    throw std::runtime_error("json: no key '" + std::string(key) + "'");
}
const Value& Value::operator[](size_t index) const {
    if (index >= items().size()) throw std::runtime_error("json: index out of range");
    return items_[index];
}

Value parse(std::string_view text) { return Parser(text).parse_document(); }

Value parse_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw std::runtime_error("json: cannot open " + path);
    std::ostringstream s;
    s << in.rdbuf();
    return parse(s.str());
}

}  // namespace test::json
