// llama.cpp's tokenizer test vectors in ../shared/models/vocab: ggml-vocab-NAME.gguf.inp holds the texts,
// separated by "\n__ggml_vocab_test__\n" (also after the last one), and .out one line of ids per text.
#pragma once

#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "support/file_bytes.h"
#include "support/shared_data.h"

namespace test {

struct VocabCase {
    std::string text;
    std::vector<int32_t> ids;
};

inline std::string vocab_path(const std::string& name) { return shared_path("models/vocab/ggml-vocab-" + name + ".gguf"); }

inline std::vector<VocabCase> read_vocab_vectors(const std::string& name) {
    const std::string separator = "\n__ggml_vocab_test__\n";
    const std::string inp = read_bytes(vocab_path(name) + ".inp");
    std::vector<VocabCase> cases;
    for (size_t pos = 0; pos < inp.size();) {
        const size_t end = inp.find(separator, pos);
        if (end == std::string::npos) throw std::runtime_error("unterminated case in " + name + ".inp");
        cases.push_back({inp.substr(pos, end - pos), {}});
        pos = end + separator.size();
    }
    std::istringstream out(read_bytes(vocab_path(name) + ".out"));
    std::string line;
    for (VocabCase& c : cases) {
        if (!std::getline(out, line)) throw std::runtime_error("fewer lines than cases in " + name + ".out");
        c.ids = parse_ids(line);
    }
    return cases;
}

// Every vocabulary with test vectors.
inline const std::vector<std::string>& vocab_names() {
    static const std::vector<std::string> names = {"gpt-2",          "starcoder", "refact",   "mpt",
                                                   "deepseek-coder", "llama-spm", "phi-3"};
    return names;
}

}  // namespace test
