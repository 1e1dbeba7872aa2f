// `sparse-llm bench dequant`: how fast each quant format dequantizes (gguf/quant/quant.h's dequantize_row).
// A buffer of `megabytes` of float32 output is dequantized whole, in rows of 4096 elements spread over the
// threads, `repetitions` times after one warm-up pass; the median pass is reported. Counted bytes: the
// quantized bytes read and the float32 bytes written (both, and their sum).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "apps/report/bench_output.h"
#include "gguf/quant/ggml_type.h"

namespace bench {

struct DequantBenchOptions {
    std::vector<gguf::GgmlType> types;  // empty: every type gguf/quant/quant.h supports
    std::vector<unsigned> threads{1};
    size_t megabytes = 64;  // of float32 output per pass: beyond the last-level cache, so it is a memory stream
    int repetitions = 5;
};

struct DequantBenchRow {
    gguf::GgmlType type;
    unsigned threads;
    double bits_per_weight;
    double ms;                 // median time of one pass
    double quantized_gb_per_s;  // quantized bytes read / time
    double float_gb_per_s;      // float32 bytes written / time
    double elements_per_ns;     // = G elements / s
};

struct DequantBenchReport {
    DequantBenchOptions options;
    uint64_t elements;  // per pass
    std::vector<DequantBenchRow> rows;
};

// Throws bench::Error for a type gguf/quant/quant.h cannot dequantize.
DequantBenchReport run_dequant_bench(const DequantBenchOptions& options);

// A row per type and thread count; the element count and repetitions above the Markdown table and beside the
// rows in JSON.
report::BenchOutput dequant_bench_output(const DequantBenchReport& results);

}  // namespace bench
