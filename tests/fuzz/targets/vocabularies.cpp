#include <array>
#include <memory>
#include <stdexcept>

#include "fuzz/targets/targets.h"
#include "gguf/gguf_file.h"

namespace fuzz {

const tokenizer::Tokenizer& vocabulary(uint8_t selector) {
    static const std::array<const char*, 3> kFiles = {"ggml-vocab-starcoder.gguf", "ggml-vocab-gpt-2.gguf",
                                                      "ggml-vocab-llama-spm.gguf"};
    static std::array<std::unique_ptr<tokenizer::Tokenizer>, 3> loaded;
    const size_t which = selector % kFiles.size();
    if (!loaded[which]) {
        const std::string path = std::string(SPARSE_LLM_SHARED_DIR) + "/models/vocab/" + kFiles[which];
        loaded[which] = std::make_unique<tokenizer::Tokenizer>(tokenizer::Tokenizer::from_gguf(gguf::File::open(path)));
    }
    return *loaded[which];
}

}  // namespace fuzz
