#include "apps/bench/bench_matvec.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstring>
#include <random>
#include <stdexcept>

#include <fmt/format.h>

#include "gguf/gguf_file.h"
#include "gguf/quant/quant.h"
#include "kernels/common/isa.h"
#include "kernels/common/thread_pool.h"
#include "kernels/matmul/gemm_kernels.h"
#include "kernels/matmul/matmul.h"

namespace runtime {
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
            throw std::invalid_argument(fmt::format("bench matvec: no kernel for type {}", gguf::ggml_type_name(type)));
    if (options.batch_sizes.empty() || options.threads.empty() || options.cold_bytes == 0)
        throw std::invalid_argument("bench matvec: need a thread count, a batch size and some memory to cycle through");

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

std::string matvec_report_markdown(const MatvecBenchReport& report) {
    std::string out = "memory bandwidth (streaming read):";
    for (const BandwidthRow& b : report.bandwidth) out += fmt::format(" {:.1f} GB/s with {} thread(s);", b.gb_per_s, b.threads);
    out += "\n\n| type | kernel | matrix | rows x cols | MB | threads | matvec µs | matvec GB/s |";
    for (int64_t n : report.options.batch_sizes) out += fmt::format(" matmul n={} GFLOP/s |", n);
    out += "\n|---|---|---|---|---|---|---|---|";
    for (size_t i = 0; i < report.options.batch_sizes.size(); ++i) out += "---|";
    out += "\n";
    for (const MatvecBenchRow& r : report.rows) {
        out += fmt::format("| {} | {} | {} | {}x{} | {:.2f} | {} | {:.1f} | {:.1f} |", gguf::ggml_type_name(r.type),
                           kernel_name(r.type), r.shape.name, r.shape.rows, r.shape.cols, static_cast<double>(r.weight_bytes) / 1e6,
                           r.threads, r.matvec_us, r.matvec_gb_per_s);
        for (double g : r.matmul_gflops) out += fmt::format(" {:.1f} |", g);
        out += "\n";
    }
    if (!report.skipped.empty()) out += fmt::format("\nnot a whole number of blocks per row: {}\n", fmt::join(report.skipped, ", "));
    return out;
}

std::string matvec_report_json(const MatvecBenchReport& report) {
    std::string out = "{\n  \"bandwidth\": [";
    for (size_t i = 0; i < report.bandwidth.size(); ++i)
        out += fmt::format("{}{{\"threads\": {}, \"gb_per_s\": {:.3f}}}", i ? ", " : "", report.bandwidth[i].threads,
                           report.bandwidth[i].gb_per_s);
    out += "],\n  \"results\": [\n";
    for (size_t i = 0; i < report.rows.size(); ++i) {
        const MatvecBenchRow& r = report.rows[i];
        out += fmt::format("    {{\"type\": \"{}\", \"kernel\": \"{}\", \"matrix\": \"{}\", \"rows\": {}, \"cols\": {}, "
                           "\"weight_bytes\": {}, \"threads\": {}, \"matvec_us\": {:.3f}, \"matvec_gb_per_s\": {:.3f}, \"matmul\": [",
                           gguf::ggml_type_name(r.type), kernel_name(r.type), r.shape.name, r.shape.rows, r.shape.cols, r.weight_bytes,
                           r.threads, r.matvec_us, r.matvec_gb_per_s);
        for (size_t k = 0; k < r.matmul_gflops.size(); ++k)
            out += fmt::format("{}{{\"tokens\": {}, \"gflops\": {:.3f}}}", k ? ", " : "", report.options.batch_sizes[k],
                               r.matmul_gflops[k]);
        out += fmt::format("]}}{}\n", i + 1 < report.rows.size() ? "," : "");
    }
    out += "  ],\n  \"skipped\": [";
    for (size_t i = 0; i < report.skipped.size(); ++i) out += fmt::format("{}\"{}\"", i ? ", " : "", report.skipped[i]);
    out += "]\n}\n";
    return out;
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
            throw std::invalid_argument(fmt::format("bench matvec: tensor '{}' has type {}, which has no kernel",
                                                    t.name, gguf::ggml_type_name(t.type)));
        matrices.push_back({t.type, t.data, static_cast<int64_t>(t.ne[1]), static_cast<int64_t>(t.ne[0])});
    }
    if (matrices.empty()) throw std::invalid_argument("bench matvec: the model has no 2-D weights");
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
                               static_cast<double>(prefill_tokens) / prefill_s});
    }
    return report;
}

std::string model_weights_report_markdown(const ModelWeightsBenchReport& report) {
    std::string out = fmt::format("{}: every weight matrix once per token (an upper bound on decode speed)\n\n"
                                  "| threads | matrices | MB | decode ms/token | GB/s | decode tok/s bound | prefill n={} tok/s bound |\n"
                                  "|---|---|---|---|---|---|---|\n",
                                  report.model, report.prefill_tokens);
    for (const ModelWeightsBenchRow& r : report.rows)
        out += fmt::format("| {} | {} | {:.1f} | {:.2f} | {:.1f} | {:.0f} | {:.0f} |\n", r.threads, r.matrices,
                           static_cast<double>(r.weight_bytes) / 1e6, r.decode_ms, r.decode_gb_per_s, 1e3 / r.decode_ms,
                           r.prefill_tok_per_s);
    return out;
}

std::string model_weights_report_json(const ModelWeightsBenchReport& report) {
    std::string out = fmt::format("{{\n  \"model\": \"{}\", \"prefill_tokens\": {},\n  \"results\": [\n", report.model,
                                  report.prefill_tokens);
    for (size_t i = 0; i < report.rows.size(); ++i) {
        const ModelWeightsBenchRow& r = report.rows[i];
        out += fmt::format("    {{\"threads\": {}, \"matrices\": {}, \"weight_bytes\": {}, \"decode_ms\": {:.4f}, "
                           "\"decode_gb_per_s\": {:.3f}, \"prefill_tok_per_s\": {:.3f}}}{}\n",
                           r.threads, r.matrices, r.weight_bytes, r.decode_ms, r.decode_gb_per_s, r.prefill_tok_per_s,
                           i + 1 < report.rows.size() ? "," : "");
    }
    return out + "  ]\n}\n";
}

}  // namespace runtime
