// `sparse-llm bench matvec`: speed of the quantized matvec (decode) and matmul (prefill) kernels per weight
// type at SmolLM2-135M's shapes, beside the machine's achievable memory bandwidth.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "apps/report/bench_output.h"
#include "gguf/quant/ggml_type.h"

namespace bench {

struct MatvecBenchOptions {
    std::vector<gguf::GgmlType> types;
    std::vector<unsigned> threads{1, 2};
    std::vector<int64_t> batch_sizes{32, 128, 512};  // tokens per matmul
    int repetitions = 5;                              // timed runs per figure; the median is reported
    // Weights cycle through this much memory (copies of the matrix), so that each call reads them from DRAM as
    // a model's decode does; the bandwidth test reads twice as much. 256 MB is far beyond a 32 MB L3; a Pi
    // Zero 2W (512 MB of RAM, 512 KB L2) wants less.
    size_t cold_bytes = size_t{256} << 20;
};

struct MatvecShape {
    const char* name;  // what the matrix is in the model
    int64_t rows, cols;
};

// SmolLM2-135M: attn_q / attn_output, ffn_gate / ffn_up, ffn_down, output (tied token_embd).
const std::vector<MatvecShape>& smollm2_shapes();

struct MatvecBenchRow {
    gguf::GgmlType type;
    MatvecShape shape;
    unsigned threads;
    uint64_t weight_bytes;
    double matvec_us;                   // median time of one matvec, activation quantization included
    double matvec_gb_per_s;             // weight bytes / matvec time; weights cycle through more than the LLC
    std::vector<double> matmul_gflops;  // per batch size: 2 rows cols n / time
};

struct BandwidthRow {
    unsigned threads;
    double gb_per_s;  // a streaming read of a buffer far larger than the last-level cache
};

struct MatvecBenchReport {
    MatvecBenchOptions options;
    std::vector<BandwidthRow> bandwidth;
    std::vector<MatvecBenchRow> rows;
    std::vector<std::string> skipped;  // type/shape pairs the format cannot hold (row not a whole number of blocks)
};

// Throws bench::Error for a type without a kernel.
MatvecBenchReport run_matvec_bench(const MatvecBenchOptions& options);

// The weights of a whole model: every matrix a token goes through (each layer's projections and the output,
// which is token_embd when the model ties them), multiplied in file order. Decode reads all of them once per
// token, so this bounds decode speed from above (attention and the rest come on top); a streaming read of the
// same number of bytes beside it is the memory's limit for that pass.
struct ModelWeightsBenchRow {
    unsigned threads;
    size_t matrices;
    uint64_t weight_bytes;
    double decode_ms;           // median time of one matvec through every matrix
    double decode_gb_per_s;     // weight_bytes / decode time
    double stream_gb_per_s;     // a plain streaming read of as many bytes, on as many threads, in the same run
    double prefill_tok_per_s;   // batch of `prefill_tokens` through every matrix, tokens / time
};

struct ModelWeightsBenchReport {
    std::string model;
    int64_t prefill_tokens;
    std::vector<ModelWeightsBenchRow> rows;
};

ModelWeightsBenchReport run_model_weights_bench(const std::string& path, const std::vector<unsigned>& threads,
                                                int64_t prefill_tokens, int repetitions);

// A row per type, shape and thread count (matmul GFLOP/s per batch size: one Markdown and CSV column each, an
// array in JSON); the bandwidth above the Markdown table, the skipped shapes below it, both beside the rows in
// JSON.
report::BenchOutput matvec_bench_output(const MatvecBenchReport& results);
// A row per thread count; the model and the prefill batch above the Markdown table and beside the rows in JSON.
report::BenchOutput model_weights_bench_output(const ModelWeightsBenchReport& results);

}  // namespace bench
