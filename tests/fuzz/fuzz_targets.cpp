#include "fuzz/fuzz_targets.h"

#include <cstdio>
#include <cstdlib>

#include "fuzz/targets/targets.h"

namespace fuzz {

const std::vector<Target>& targets() {
    static const std::vector<Target> kTargets = {
        {"gguf", "a GGUF file: parsed, its tokenizer built and its model bound with every load check", run_gguf},
        {"dequantize", "a type id byte, then blocks of that type, dequantized", run_dequantize},
        {"tokenizer-encode", "a vocabulary byte, a flags byte, then text to encode (and decode back)", run_tokenizer_encode},
        {"tokenizer-decode", "a vocabulary byte, a flags byte, then token ids (int32) to decode", run_tokenizer_decode},
        {"chat-template", "a Jinja chat template, then role and content strings (NUL-separated) to apply it to", run_chat_template},
        {"text-input", "a chunk size byte, a read size byte, then text read from a file and cut into chunks", run_text_input},
        {"cli-flags", "NUL-separated command-line arguments, parsed by every command's flags", run_cli_flags},
    };
    return kTargets;
}

const Target* find_target(std::string_view name) {
    for (const Target& t : targets())
        if (name == t.name) return &t;
    return nullptr;
}

void defect(const char* what) {
    std::fprintf(stderr, "fuzz target defect: %s\n", what);
    std::abort();
}

}  // namespace fuzz
