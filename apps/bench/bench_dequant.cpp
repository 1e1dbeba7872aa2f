#include "apps/bench/bench_dequant.h"

#include <algorithm>
#include <chrono>
#include <stdexcept>

#include <fmt/format.h>

#include "gguf/quant/quant.h"
#include "kernels/common/thread_pool.h"
#include "src/rng.h"

namespace runtime {
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
    Rng rng(1);
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
            throw std::invalid_argument(fmt::format("bench dequant: cannot dequantize {}", gguf::ggml_type_name(type)));
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

std::string dequant_report_markdown(const DequantBenchReport& report) {
    std::string md = fmt::format(
        "dequantize {} elements ({} MB of float32) per pass, median of {} passes; GB/s of quantized bytes read, "
        "of float32 bytes written, and of both\n\n",
        report.elements, report.elements * sizeof(float) >> 20, report.options.repetitions);
    md += "| type | bits/weight | threads | ms/pass | read GB/s | written GB/s | total GB/s | Gelem/s |\n";
    md += "|---|---:|---:|---:|---:|---:|---:|---:|\n";
    for (const auto& r : report.rows)
        md += fmt::format("| {} | {:.2f} | {} | {:.2f} | {:.2f} | {:.2f} | {:.2f} | {:.2f} |\n",
                          gguf::ggml_type_name(r.type), r.bits_per_weight, r.threads, r.ms, r.quantized_gb_per_s,
                          r.float_gb_per_s, r.quantized_gb_per_s + r.float_gb_per_s, r.elements_per_ns);
    return md;
}

std::string dequant_report_json(const DequantBenchReport& report) {
    std::string json = fmt::format(
        "{{\"bench\": \"dequant\", \"elements\": {}, \"repetitions\": {}, "
        "\"bytes_counted\": \"read_gb_per_s: quantized bytes read; written_gb_per_s: float32 bytes written\", "
        "\"rows\": [",
        report.elements, report.options.repetitions);
    for (size_t i = 0; i < report.rows.size(); ++i) {
        const auto& r = report.rows[i];
        json += fmt::format(
            "{}\n  {{\"type\": \"{}\", \"bits_per_weight\": {:.6g}, \"threads\": {}, \"ms\": {:.6g}, "
            "\"read_gb_per_s\": {:.6g}, \"written_gb_per_s\": {:.6g}, \"total_gb_per_s\": {:.6g}, "
            "\"gelem_per_s\": {:.6g}}}",
            i ? "," : "", gguf::ggml_type_name(r.type), r.bits_per_weight, r.threads, r.ms, r.quantized_gb_per_s,
            r.float_gb_per_s, r.quantized_gb_per_s + r.float_gb_per_s, r.elements_per_ns);
    }
    return json + "\n]}\n";
}

}  // namespace runtime
