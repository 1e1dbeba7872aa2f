#include "apps/bench/bench_dequant.h"

#include <algorithm>
#include <chrono>

#include <fmt/format.h>

#include "apps/bench/bench_error.h"
#include "gguf/quant/quant.h"
#include "kernels/common/thread_pool.h"
#include "src/rng.h"

namespace bench {
namespace {

using gguf::GgmlType;

constexpr int64_t kRowElems = 4096;       // a whole number of blocks of every format
constexpr int64_t kPatternElems = 1 << 16;  // quantized once, then repeated through the buffer

const std::vector<GgmlType> kAllTypes = {GgmlType::F32,  GgmlType::F16,  GgmlType::BF16, GgmlType::Q4_0,
                                         GgmlType::Q4_1, GgmlType::Q5_0, GgmlType::Q5_1, GgmlType::Q8_0,
                                         GgmlType::Q2_K, GgmlType::Q3_K, GgmlType::Q4_K, GgmlType::Q5_K,
                                         GgmlType::Q6_K, GgmlType::Q8_K};

// Quantized bytes for `elements` values: a pattern of seeded roughly-normal weights, repeated.
std::vector<uint8_t> quantized_buffer(GgmlType type, uint64_t elements) {
    runtime::Rng rng(1);
    std::vector<float> pattern(kPatternElems);
    for (auto& v : pattern) v = static_cast<float>(rng.uniform() + rng.uniform() + rng.uniform() - 1.5);
    const uint64_t pattern_bytes = *gguf::ggml_row_bytes(type, kPatternElems);
    std::vector<uint8_t> bytes(*gguf::ggml_row_bytes(type, elements));
    gguf::quantize_row(type, pattern.data(), bytes.data(), kPatternElems);
    for (uint64_t at = pattern_bytes; at < bytes.size(); at += pattern_bytes)
        std::copy_n(bytes.begin(), std::min<uint64_t>(pattern_bytes, bytes.size() - at), bytes.begin() + at);
    return bytes;
}

double median(std::vector<double> values) {
    std::sort(values.begin(), values.end());
    return values[values.size() / 2];
}

}  // namespace

DequantBenchReport run_dequant_bench(const DequantBenchOptions& options) {
    DequantBenchReport report{options, 0, {}};
    if (report.options.types.empty()) report.options.types = kAllTypes;
    const uint64_t rows = std::max<uint64_t>(1, (options.megabytes << 20) / (kRowElems * sizeof(float)));
    report.elements = rows * kRowElems;
    std::vector<float> out(report.elements);

    for (const GgmlType type : report.options.types) {
        const gguf::GgmlTypeTraits* traits = gguf::quant_traits(type);
        if (traits == nullptr)
            throw Error(fmt::format("bench dequant: cannot dequantize {}", gguf::ggml_type_name(type)));
        const auto in = quantized_buffer(type, report.elements);
        const uint64_t row_bytes = *gguf::ggml_row_bytes(type, kRowElems);
        for (const unsigned threads : options.threads) {
            kernels::ThreadPool pool(threads);
            auto pass = [&] {
                const auto start = std::chrono::steady_clock::now();
                pool.parallel_for(rows, [&](size_t r) {
                    traits->dequantize_row(in.data() + r * row_bytes, out.data() + r * kRowElems, kRowElems);
                });
                return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
            };
            pass();  // warm-up: page faults of the output, caches, thread wake-up
            std::vector<double> seconds;
            for (int i = 0; i < options.repetitions; ++i) seconds.push_back(pass());
            const double s = median(seconds);
            report.rows.push_back({type, threads, 8.0 * static_cast<double>(in.size()) / report.elements, s * 1e3,
                                   in.size() / s / 1e9, report.elements * sizeof(float) / s / 1e9,
                                   report.elements / s / 1e9});
        }
    }
    return report;
}

report::BenchOutput dequant_bench_output(const DequantBenchReport& results) {
    using report::Cell;
    report::Table table({{"type", "type"}, {"bits_per_weight", "bits/weight"}, {"threads", "threads"},
                         {"ms", "ms/pass"}, {"read_gb_per_s", "read GB/s"}, {"written_gb_per_s", "written GB/s"},
                         {"total_gb_per_s", "total GB/s"}, {"gelem_per_s", "Gelem/s"}});
    const auto rate = [](double x) { return Cell::number(x, 3, 2); };
    for (const DequantBenchRow& r : results.rows)
        table.add_row({Cell::text(gguf::ggml_type_name(r.type)), Cell::number(r.bits_per_weight, 4, 2),
                       Cell::unsigned_integer(r.threads), Cell::number(r.ms, 4, 2), rate(r.quantized_gb_per_s),
                       rate(r.float_gb_per_s), rate(r.quantized_gb_per_s + r.float_gb_per_s), rate(r.elements_per_ns)});
    report::BenchOutput output{table};
    output.title = fmt::format(
        "dequantize {} elements ({} MB of float32) per pass, median of {} passes; GB/s of quantized bytes read, "
        "of float32 bytes written, and of both",
        results.elements, results.elements * sizeof(float) >> 20, results.options.repetitions);
    output.summary = {
        {"bench", Cell::text("dequant")},
        {"elements", Cell::unsigned_integer(results.elements)},
        {"repetitions", Cell::integer(results.options.repetitions)},
        {"bytes_counted", Cell::text("read_gb_per_s: quantized bytes read; written_gb_per_s: float32 bytes written")}};
    return output;
}

}  // namespace bench
