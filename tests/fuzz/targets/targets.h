// One function per fuzz target (fuzz_targets.h lists them), and what several share.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "fuzz/fuzz_targets.h"
#include "tokenizer/tokenizer.h"

namespace fuzz {

void run_gguf(const uint8_t* data, size_t size);
void run_dequantize(const uint8_t* data, size_t size);
void run_tokenizer_encode(const uint8_t* data, size_t size);
void run_tokenizer_decode(const uint8_t* data, size_t size);
void run_chat_template(const uint8_t* data, size_t size);
void run_text_input(const uint8_t* data, size_t size);
void run_cli_flags(const uint8_t* data, size_t size);

// The tokenizers of ../shared's llama.cpp vocabularies the targets use: byte-level BPE (StarCoder's, as
// SmolLM2's; GPT-2's, which cleans spaces) and SentencePiece (Llama 2's), picked by `selector`. Loaded once;
// throws std::runtime_error naming the file when ../shared is absent.
const tokenizer::Tokenizer& vocabulary(uint8_t selector);

}  // namespace fuzz
