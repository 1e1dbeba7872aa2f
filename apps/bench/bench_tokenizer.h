// `sparse-llm bench tokenizer`: encode and decode throughput of a model's tokenizer on a few MB of mixed text
// (English, code, numbers, Chinese, Russian, Khmer, emoji, whitespace runs), and the worst case of byte-level
// merging: 1 MB without a space, one word.
#pragma once

#include <cstdint>
#include <string>

#include "apps/report/bench_output.h"

namespace bench {

struct TokenizerBenchOptions {
    std::string model;                     // GGUF file
    size_t text_bytes = size_t{4} << 20;   // size of the mixed text
    int repetitions = 5;                   // timed runs per figure; the median is reported
    uint64_t seed = 1;                     // of the text
};

struct TokenizerBenchReport {
    std::string model;
    std::string tokenizer;   // tokenizer.ggml.model / tokenizer.ggml.pre
    size_t n_vocab = 0;
    double load_ms = 0;      // Tokenizer::from_gguf on the parsed file
    size_t text_bytes = 0;
    size_t n_tokens = 0;     // of the mixed text
    double encode_mb_per_s = 0;
    double encode_tokens_per_s = 0;
    double decode_mb_per_s = 0;
    double no_space_ms = 0;  // encoding 1 MB of letters without a space
    int repetitions = 0;
};

// Deterministic mixed text of about `bytes` bytes (valid UTF-8).
std::string mixed_text(size_t bytes, uint64_t seed);

TokenizerBenchReport run_tokenizer_bench(const TokenizerBenchOptions& options);
// One row; Markdown shows it one figure per line below the model and tokenizer.
report::BenchOutput tokenizer_bench_output(const TokenizerBenchReport& results);

}  // namespace bench
