#include "tokenizer/clean_spaces.h"

namespace tokenizer {

namespace {

// " ?", " !", " .", " ," -> "?", "!", ".", ","
std::string drop_space_before_punctuation(std::string_view in) {
    std::string out(in.substr(0, 1));
    for (size_t i = 1; i < in.size(); ++i) {
        const char x = in[i];
        if (in[i - 1] == ' ' && (x == '?' || x == '!' || x == '.' || x == ',')) out.pop_back();
        out += x;
    }
    return out;
}

// " ' " -> "'"; the character after a collapsed quote no longer counts as a space before the next quote.
std::string collapse_lone_quotes(std::string in) {
    std::string out(in.substr(0, 1));
    for (size_t i = 1; i < in.size(); ++i) {
        const char x = in[i];
        if (x == '\'' && i + 1 < in.size() && in[i - 1] == ' ' && in[i + 1] == ' ') {
            out.pop_back();
            in[++i] = '\0';
        }
        out += x;
    }
    return out;
}

// " 's", " 'm", " 're", " 've" -> "'s", "'m", "'re", "'ve" (" 't", " 'd", " 'll" keep their space)
std::string join_contractions(std::string_view in) {
    std::string out(in.substr(0, 1));
    for (size_t i = 1; i < in.size(); ++i) {
        const char x = in[i];
        if (in[i - 1] == ' ' && x == '\'' && i + 1 < in.size()) {
            const char x1 = in[i + 1];
            const char x2 = i + 2 < in.size() ? in[i + 2] : '\0';
            if (x1 == 's' || x1 == 'm' || ((x1 == 'r' || x1 == 'v') && x2 == 'e')) out.pop_back();
        }
        out += x;
    }
    return out;
}

}  // namespace

std::string clean_up_spaces(std::string_view text) {
    return join_contractions(collapse_lone_quotes(drop_space_before_punctuation(text)));
}

}  // namespace tokenizer
