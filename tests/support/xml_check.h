// A small well-formedness checker for the XML our code writes (SVG plots): one root element, properly nested
// tags, quoted unique attributes, and text or attribute values whose '&' start a known entity and which hold no
// raw '<'. Returns the element tree so a test can look inside.
#pragma once

#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace test::xml {

struct Element {
    std::string name;
    std::vector<std::pair<std::string, std::string>> attributes;  // values with entities decoded
    std::vector<Element> children;
    std::string text;  // character data directly inside, entities decoded

    const std::string& attribute(const std::string& key) const {
        for (const auto& [k, v] : attributes)
            if (k == key) return v;
        throw std::runtime_error("<" + name + "> has no attribute " + key);
    }
    // Every element named `tag` in this subtree (this one included).
    std::vector<const Element*> find_all(const std::string& tag) const {
        std::vector<const Element*> found;
        if (name == tag) found.push_back(this);
        for (const Element& c : children) {
            const auto below = c.find_all(tag);
            found.insert(found.end(), below.begin(), below.end());
        }
        return found;
    }
};

class Parser {
public:
    explicit Parser(std::string_view text) : s_(text) {}

    Element document() {
        skip_misc();
        if (s_.compare(pos_, 5, "<?xml") == 0) {
            pos_ = s_.find("?>", pos_);
            if (pos_ == std::string_view::npos) fail("unterminated XML declaration");
            pos_ += 2;
        }
        skip_misc();
        Element root = element();
        skip_misc();
        if (pos_ != s_.size()) fail("content after the root element");
        return root;
    }

private:
    [[noreturn]] void fail(const std::string& what) const {
        throw std::runtime_error("XML: " + what + " at byte " + std::to_string(pos_));
    }
    bool at_end() const { return pos_ >= s_.size(); }
    static bool is_space(char c) { return c == ' ' || c == '\n' || c == '\t' || c == '\r'; }
    static bool is_name_char(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
               c == ':' || c == '.';
    }
    void skip_space() {
        while (!at_end() && is_space(s_[pos_])) ++pos_;
    }
    // Whitespace and comments between elements.
    void skip_misc() {
        for (skip_space(); s_.compare(pos_, 4, "<!--") == 0; skip_space()) {
            pos_ = s_.find("-->", pos_);
            if (pos_ == std::string_view::npos) fail("unterminated comment");
            pos_ += 3;
        }
    }
    std::string name() {
        const size_t start = pos_;
        while (!at_end() && is_name_char(s_[pos_])) ++pos_;
        if (pos_ == start) fail("expected a name");
        return std::string(s_.substr(start, pos_ - start));
    }
    void expect(char c) {
        if (at_end() || s_[pos_] != c) fail(std::string("expected '") + c + "'");
        ++pos_;
    }
    // Character data up to `stop`, with entities decoded; a raw '<' is an error.
    std::string chars(char stop) {
        std::string out;
        while (!at_end() && s_[pos_] != stop) {
            const char c = s_[pos_];
            if (c == '<') fail("raw '<' in text");
            if (c == '&') {
                out += entity();
                continue;
            }
            out += c;
            ++pos_;
        }
        return out;
    }
    std::string entity() {
        const size_t end = s_.find(';', pos_);
        if (end == std::string_view::npos || end - pos_ > 10) fail("'&' that starts no entity");
        const std::string_view e = s_.substr(pos_ + 1, end - pos_ - 1);
        pos_ = end + 1;
        if (e == "amp") return "&";
        if (e == "lt") return "<";
        if (e == "gt") return ">";
        if (e == "quot") return "\"";
        if (e == "apos") return "'";
        if (e.size() > 1 && e[0] == '#') return "?";  // a character reference; its code point is not needed here
        fail("unknown entity &" + std::string(e) + ";");
    }
    Element element() {
        expect('<');
        Element e;
        e.name = name();
        for (;;) {
            skip_space();
            if (at_end()) fail("unterminated tag <" + e.name);
            if (s_[pos_] == '/' || s_[pos_] == '>') break;
            std::string key = name();
            for (const auto& attribute : e.attributes)
                if (attribute.first == key) fail("duplicate attribute " + key);
            skip_space();
            expect('=');
            skip_space();
            if (at_end() || (s_[pos_] != '"' && s_[pos_] != '\'')) fail("unquoted value of " + key);
            const char quote = s_[pos_++];
            std::string value = chars(quote);
            expect(quote);
            e.attributes.emplace_back(std::move(key), std::move(value));
        }
        if (s_[pos_] == '/') {
            ++pos_;
            expect('>');
            return e;
        }
        expect('>');
        for (;;) {
            e.text += chars('<');
            if (at_end()) fail("<" + e.name + "> is never closed");
            if (s_.compare(pos_, 4, "<!--") == 0) {
                skip_misc();
            } else if (s_.compare(pos_, 2, "</") == 0) {
                pos_ += 2;
                if (name() != e.name) fail("</...> does not close <" + e.name + ">");
                skip_space();
                expect('>');
                return e;
            } else {
                e.children.push_back(element());
            }
        }
    }

    std::string_view s_;
    size_t pos_ = 0;
};

// Throws std::runtime_error at the first place the text is not well-formed.
inline Element parse(std::string_view text) { return Parser(text).document(); }

}  // namespace test::xml
