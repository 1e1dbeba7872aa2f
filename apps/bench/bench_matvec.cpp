#include "apps/bench/bench_matvec.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstring>
#include <random>

#include <fmt/format.h>

#include "apps/bench/bench_error.h"
#include "gguf/gguf_file.h"
#include "gguf/quant/quant.h"
#include "kernels/common/isa.h"
#include "kernels/common/thread_pool.h"
#include "kernels/matmul/gemm_kernels.h"
#include "kernels/matmul/matmul.h"

namespace bench {
namespace {

using Clock = std::chrono::steady_clock;

constexpr double kMinSecondsPerRun = 0.05;
constexpr int64_t kDistinctRows = 16;

std::vector<float> random_floats(size_t n, uint32_t seed) {
    std::mt19937 rng(seed);
    std::normal_distribution<float> normal(0.0f, 1.0f);
    std::vector<float> v(n);
    for (float& f : v) f = normal(rng);
    return v;
}

// Copies of one random matrix back to back; copy i is what call i multiplies, so no call finds its weights
// in cache.
struct ColdWeights {
    std::vector<uint8_t> bytes;
    size_t matrix_bytes = 0;
    size_t copies = 0;

    const void* copy(size_t i) const { return bytes.data() + (i % copies) * matrix_bytes; }
};

ColdWeights make_weights(gguf::GgmlType type, const MatvecShape& shape, size_t cold_bytes) {
    const uint64_t row_bytes = *gguf::ggml_row_bytes(type, static_cast<uint64_t>(shape.cols));
    ColdWeights w;
    w.matrix_bytes = row_bytes * static_cast<uint64_t>(shape.rows);
    w.copies = std::max<size_t>(1, cold_bytes / w.matrix_bytes);
    w.bytes.resize(w.copies * w.matrix_bytes);
    const std::vector<float> values = random_floats(static_cast<size_t>(kDistinctRows * shape.cols), 1);
    for (int64_t r = 0; r < kDistinctRows && r < shape.rows; ++r)
        gguf::quantize_row(type, values.data() + r * shape.cols, w.bytes.data() + r * row_bytes, shape.cols);
    for (int64_t r = kDistinctRows; r < shape.rows; ++r)
        std::memcpy(w.bytes.data() + r * row_bytes, w.bytes.data() + (r % kDistinctRows) * row_bytes, row_bytes);
    for (size_t c = 1; c < w.copies; ++c)
        std::memcpy(w.bytes.data() + c * w.matrix_bytes, w.bytes.data(), w.matrix_bytes);
    return w;
}

// Median over `repetitions` runs of the seconds per call of call(i), each run long enough to time well.
template <typename Call>
double median_seconds_per_call(int repetitions, Call&& call) {
    size_t i = 0;
    auto start = Clock::now();
    call(i++);  // warm-up, and a first estimate of the cost
    const double once = std::chrono::duration<double>(Clock::now() - start).count();
    const auto calls = static_cast<size_t>(std::clamp(kMinSecondsPerRun / std::max(once, 1e-9), 1.0, 1e5));
    std::vector<double> runs;
    for (int rep = 0; rep < std::max(1, repetitions); ++rep) {
        start = Clock::now();
        for (size_t k = 0; k < calls; ++k) call(i++);
        runs.push_back(std::chrono::duration<double>(Clock::now() - start).count() / static_cast<double>(calls));
    }
    std::nth_element(runs.begin(), runs.begin() + runs.size() / 2, runs.end());
    return runs[runs.size() / 2];
}

double read_bandwidth(kernels::ThreadPool& pool, const std::vector<uint64_t>& buffer, int repetitions) {
    constexpr size_t kChunks = 256;
    const size_t chunk = buffer.size() / kChunks;
    std::atomic<uint64_t> sink{0};
    const double seconds = median_seconds_per_call(repetitions, [&](size_t) {
        pool.parallel_for(kChunks, [&](size_t c) {
            const uint64_t* p = buffer.data() + c * chunk;
            uint64_t s0 = 0, s1 = 0, s2 = 0, s3 = 0;
            for (size_t k = 0; k < chunk; k += 4) {
                s0 += p[k];
                s1 += p[k + 1];
                s2 += p[k + 2];
                s3 += p[k + 3];
            }
            sink.fetch_add(s0 + s1 + s2 + s3, std::memory_order_relaxed);
        });
    });
    return static_cast<double>(buffer.size() * sizeof(uint64_t)) / seconds / 1e9;
}

MatvecBenchRow measure(gguf::GgmlType type, const MatvecShape& shape, const ColdWeights& weights,
                       kernels::ThreadPool& pool, const MatvecBenchOptions& options) {
    kernels::Matmul matmul(pool);
    const int64_t max_batch = *std::max_element(options.batch_sizes.begin(), options.batch_sizes.end());
    const std::vector<float> x = random_floats(static_cast<size_t>(max_batch * shape.cols), 2);
    std::vector<float> y(static_cast<size_t>(max_batch * shape.rows));
    matmul.reserve(max_batch, shape.cols);
    auto matrix = [&](size_t i) { return kernels::Matrix{type, weights.copy(i), shape.rows, shape.cols}; };

    MatvecBenchRow row{type, shape, pool.size(), weights.matrix_bytes, 0.0, 0.0, {}};
    const double matvec_s = median_seconds_per_call(options.repetitions, [&](size_t i) {
        matmul.matvec(matrix(i), x.data(), y.data());
    });
    row.matvec_us = matvec_s * 1e6;
    row.matvec_gb_per_s = static_cast<double>(weights.matrix_bytes) / matvec_s / 1e9;
    for (int64_t n : options.batch_sizes) {
        const double s = median_seconds_per_call(options.repetitions, [&](size_t i) {
            matmul.matmul(matrix(i), x.data(), n, y.data());
        });
        row.matmul_gflops.push_back(2.0 * static_cast<double>(shape.rows * shape.cols * n) / s / 1e9);
    }
    return row;
}

// The instruction set whose kernel multiplies a type here.
const char* kernel_name(gguf::GgmlType type) {
    return kernels::isa_name(kernels::isa_serving(kernels::gemm_kernels(type)->rows, kernels::active_isa()));
}

}  // namespace

const std::vector<MatvecShape>& smollm2_shapes() {
    static const std::vector<MatvecShape> shapes{
        {"attn_q", 576, 576}, {"ffn_up", 1536, 576}, {"ffn_down", 576, 1536}, {"output", 49152, 576}};
    return shapes;
}

MatvecBenchReport run_matvec_bench(const MatvecBenchOptions& options) {
    for (gguf::GgmlType type : options.types)
        if (!kernels::matmul_supports(type))
            throw Error(fmt::format("bench matvec: no kernel for type {}", gguf::ggml_type_name(type)));
    if (options.batch_sizes.empty() || options.threads.empty() || options.cold_bytes == 0)
        throw Error("bench matvec: need a thread count, a batch size and some memory to cycle through");

    MatvecBenchReport report{options, {}, {}, {}};
    {
        std::vector<uint64_t> buffer(2 * options.cold_bytes / sizeof(uint64_t) / 1024 * 1024);
        for (size_t i = 0; i < buffer.size(); ++i) buffer[i] = i;
        for (unsigned threads : options.threads) {
            kernels::ThreadPool pool(threads);
            report.bandwidth.push_back({threads, read_bandwidth(pool, buffer, options.repetitions)});
        }
    }
    for (gguf::GgmlType type : options.types) {
        for (const MatvecShape& shape : smollm2_shapes()) {
            if (!gguf::ggml_row_bytes(type, static_cast<uint64_t>(shape.cols))) {
                report.skipped.push_back(fmt::format("{} {}x{}", gguf::ggml_type_name(type), shape.rows, shape.cols));
                continue;
            }
            const ColdWeights weights = make_weights(type, shape, options.cold_bytes);
            for (unsigned threads : options.threads) {
                kernels::ThreadPool pool(threads);
                report.rows.push_back(measure(type, shape, weights, pool, options));
            }
        }
    }
    return report;
}

namespace {

// The matrices a token goes through: 2-D weights of the blocks and the output; token_embd only when tied.
std::vector<kernels::Matrix> model_matrices(const gguf::File& file) {
    const bool tied = file.find_tensor("output.weight") == nullptr;
    std::vector<kernels::Matrix> matrices;
    for (const gguf::TensorInfo& t : file.tensors()) {
        if (t.n_dims != 2) continue;
        if (t.name == "token_embd.weight" && !tied) continue;
        if (!kernels::matmul_supports(t.type))
            throw Error(fmt::format("bench matvec: tensor '{}' has type {}, which has no kernel", t.name,
                                    gguf::ggml_type_name(t.type)));
        matrices.push_back({t.type, t.data, static_cast<int64_t>(t.ne[1]), static_cast<int64_t>(t.ne[0])});
    }
    if (matrices.empty()) throw Error("bench matvec: the model has no 2-D weights");
    return matrices;
}

}  // namespace

ModelWeightsBenchReport run_model_weights_bench(const std::string& path, const std::vector<unsigned>& threads,
                                                int64_t prefill_tokens, int repetitions) {
    const gguf::File file = gguf::File::open(path);
    const std::vector<kernels::Matrix> matrices = model_matrices(file);
    int64_t max_rows = 0, max_cols = 0;
    uint64_t bytes = 0;
    for (const kernels::Matrix& m : matrices) {
        max_rows = std::max(max_rows, m.rows);
        max_cols = std::max(max_cols, m.cols);
        bytes += m.row_bytes() * static_cast<uint64_t>(m.rows);
    }
    const std::vector<float> x = random_floats(static_cast<size_t>(prefill_tokens * max_cols), 3);
    std::vector<float> y(static_cast<size_t>(prefill_tokens * max_rows));
    // as many bytes as the weights, whole 256 chunks of 4 words for read_bandwidth
    const std::vector<uint64_t> same_size((bytes / sizeof(uint64_t) + 1023) / 1024 * 1024, 1);

    ModelWeightsBenchReport report{path, prefill_tokens, {}};
    for (unsigned n_threads : threads) {
        kernels::ThreadPool pool(n_threads);
        kernels::Matmul matmul(pool);
        matmul.reserve(prefill_tokens, max_cols);
        auto pass = [&](int64_t n_tokens) {
            for (const kernels::Matrix& m : matrices) matmul.matmul(m, x.data(), n_tokens, y.data());
        };
        const double decode_s = median_seconds_per_call(repetitions, [&](size_t) { pass(1); });
        const double prefill_s = median_seconds_per_call(repetitions, [&](size_t) { pass(prefill_tokens); });
        report.rows.push_back({n_threads, matrices.size(), bytes, decode_s * 1e3, static_cast<double>(bytes) / decode_s / 1e9,
                               read_bandwidth(pool, same_size, repetitions), static_cast<double>(prefill_tokens) / prefill_s});
    }
    return report;
}

report::BenchOutput matvec_bench_output(const MatvecBenchReport& results) {
    using report::Cell;
    const std::vector<int64_t>& batches = results.options.batch_sizes;
    std::vector<report::Column> columns{{"type", "type"}, {"kernel", "kernel"}, {"matrix", "matrix"},
                                        {"rows", "rows x cols"}, {"cols", ""}, {"weight_bytes", "MB"},
                                        {"threads", "threads"}, {"matvec_us", "matvec µs"},
                                        {"matvec_gb_per_s", "matvec GB/s"}, {"matmul", "", false}};
    for (int64_t n : batches)  // the matmul array again, a column per batch size, for Markdown and CSV
        columns.push_back({fmt::format("matmul_n{}_gflops", n), fmt::format("matmul n={} GFLOP/s", n), true, false});
    report::Table table(columns);
    for (const MatvecBenchRow& r : results.rows) {
        std::vector<Cell> cells{
            Cell::text(gguf::ggml_type_name(r.type)), Cell::text(kernel_name(r.type)), Cell::text(r.shape.name),
            Cell::integer(r.shape.rows).with_md(fmt::format("{}x{}", r.shape.rows, r.shape.cols)),
            Cell::integer(r.shape.cols),
            Cell::unsigned_integer(r.weight_bytes).with_md(fmt::format("{:.2f}", static_cast<double>(r.weight_bytes) / 1e6)),
            Cell::unsigned_integer(r.threads), Cell::number(r.matvec_us, 3, 1), Cell::number(r.matvec_gb_per_s, 3, 1)};
        report::Table matmul({{"tokens", ""}, {"gflops", ""}});
        for (size_t k = 0; k < batches.size(); ++k)
            matmul.add_row({Cell::integer(batches[k]), Cell::number(r.matmul_gflops[k], 3, 1)});
        cells.push_back(Cell::rows(matmul));
        for (double gflops : r.matmul_gflops) cells.push_back(Cell::number(gflops, 3, 1));
        table.add_row(std::move(cells));
    }
    report::BenchOutput output{table};
    output.title = "memory bandwidth (streaming read):";
    report::Table bandwidth({{"threads", ""}, {"gb_per_s", ""}});
    for (const BandwidthRow& b : results.bandwidth) {
        output.title += fmt::format(" {:.1f} GB/s with {} thread(s);", b.gb_per_s, b.threads);
        bandwidth.add_row({Cell::unsigned_integer(b.threads), Cell::number(b.gb_per_s, 3, 1)});
    }
    if (!results.skipped.empty())
        output.footnote = fmt::format("not a whole number of blocks per row: {}", fmt::join(results.skipped, ", "));
    output.summary = {{"bandwidth", Cell::rows(bandwidth)}, {"skipped", Cell::texts(results.skipped)}};
    output.rows_key = "results";
    return output;
}

report::BenchOutput model_weights_bench_output(const ModelWeightsBenchReport& results) {
    using report::Cell;
    // The decode bound, 1000 / decode_ms, and the share of the streaming read are shown in Markdown only.
    report::Table table({{"threads", "threads"}, {"matrices", "matrices"}, {"weight_bytes", "MB"},
                         {"decode_ms", "decode ms/token"}, {"decode_gb_per_s", "GB/s"},
                         {"stream_gb_per_s", "stream GB/s"}, {"of_stream", "of stream", false, false},
                         {"decode_tok_per_s_bound", "decode tok/s bound", false, false},
                         {"prefill_tok_per_s", fmt::format("prefill n={} tok/s bound", results.prefill_tokens)}});
    for (const ModelWeightsBenchRow& r : results.rows)
        table.add_row({Cell::unsigned_integer(r.threads), Cell::unsigned_integer(r.matrices),
                       Cell::unsigned_integer(r.weight_bytes).with_md(fmt::format("{:.1f}", static_cast<double>(r.weight_bytes) / 1e6)),
                       Cell::number(r.decode_ms, 4, 2), Cell::number(r.decode_gb_per_s, 3, 1),
                       Cell::number(r.stream_gb_per_s, 3, 1),
                       Cell::text(fmt::format("{:.0f} %", 100.0 * r.decode_gb_per_s / r.stream_gb_per_s)),
                       Cell::number(1e3 / r.decode_ms, 0, 0), Cell::number(r.prefill_tok_per_s, 3, 0)});
    report::BenchOutput output{table};
    output.title = fmt::format("{}: every weight matrix once per token (an upper bound on decode speed)", results.model);
    output.summary = {{"model", Cell::text(results.model)}, {"prefill_tokens", Cell::integer(results.prefill_tokens)}};
    output.rows_key = "results";
    return output;
}

}  // namespace bench
