#include <optional>
#include <stdexcept>

#include "fuzz/targets/targets.h"
#include "gguf/gguf_file.h"
#include "src/model.h"

namespace fuzz {

void run_gguf(const uint8_t* data, size_t size) {
    std::optional<gguf::File> file;
    try {
        file = gguf::File::parse(data, size, "fuzz.gguf");
    } catch (const std::runtime_error&) {
        return;
    }
    try {
        tokenizer::Tokenizer::from_gguf(*file);
    } catch (const std::runtime_error&) {
    }
    try {
        runtime::Model::bind(std::move(*file));
    } catch (const std::runtime_error&) {
    }
}

}  // namespace fuzz
