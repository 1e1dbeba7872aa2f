#include "apps/bench/bench_tokenizer.h"

#include <algorithm>
#include <chrono>
#include <vector>

#include <fmt/format.h>

#include "apps/bench/bench_error.h"
#include "gguf/gguf_file.h"
#include "src/rng.h"
#include "tokenizer/tokenizer.h"
#include "tokenizer/unicode.h"

namespace bench {

namespace {

constexpr double kMegabyte = 1 << 20;

size_t pick(runtime::Rng& rng, size_t n) { return static_cast<size_t>(rng.uniform() * static_cast<double>(n)); }

void append_codepoints(std::string& out, runtime::Rng& rng, uint32_t first, uint32_t last, size_t count) {
    for (size_t i = 0; i < count; ++i) tokenizer::append_utf8(out, first + static_cast<uint32_t>(pick(rng, last - first + 1)));
}

void append_sentence(std::string& out, runtime::Rng& rng) {
    static const char* const kWords[] = {"the", "model", "runs", "on", "small", "devices", "and", "it's", "fast",
                                         "attention", "tokens", "we", "don't", "need", "a", "GPU", "for", "this",
                                         "memory", "is", "limited", "so", "weights", "stay", "quantized", "They"};
    const size_t n = 4 + pick(rng, 12);
    for (size_t i = 0; i < n; ++i) {
        out += i == 0 ? "The" : kWords[pick(rng, std::size(kWords))];
        out += i + 1 == n ? ". " : pick(rng, 8) == 0 ? ", " : " ";
    }
}

void append_segment(std::string& out, runtime::Rng& rng) {
    const double r = rng.uniform();
    if (r < 0.55) {
        append_sentence(out, rng);
    } else if (r < 0.67) {
        out += fmt::format("for (int i = 0; i < n_{}; ++i) {{\n    sum += x[i] * {};\n}}\n", pick(rng, 100), pick(rng, 1000));
    } else if (r < 0.75) {
        out += fmt::format("{}-{:02}-{:02} {:02}:{:02}, {}.{} ", 1990 + pick(rng, 40), 1 + pick(rng, 12),
                           1 + pick(rng, 28), pick(rng, 24), pick(rng, 60), pick(rng, 100000), pick(rng, 1000));
    } else if (r < 0.83) {
        append_codepoints(out, rng, 0x4E00, 0x9FA5, 3 + pick(rng, 12));
        out += "\xEF\xBC\x8C";  // ，
        append_codepoints(out, rng, 0x4E00, 0x9FA5, 3 + pick(rng, 8));
        out += "\xE3\x80\x82";  // 。
    } else if (r < 0.88) {
        for (size_t w = 0; w < 3 + pick(rng, 6); ++w) {
            append_codepoints(out, rng, 0x0430, 0x044F, 2 + pick(rng, 8));
            out += ' ';
        }
    } else if (r < 0.91) {
        append_codepoints(out, rng, 0x1780, 0x17B3, 2 + pick(rng, 10));  // Khmer letters
        out += ' ';
    } else if (r < 0.95) {
        append_codepoints(out, rng, 0x1F600, 0x1F64F, 1 + pick(rng, 3));
        out += ' ';
    } else {
        static const char* const kSpace[] = {"\n", "\n\n", "    ", "\t", "  \n", "\r\n"};
        out += kSpace[pick(rng, std::size(kSpace))];
    }
}

template <typename Fn>
double median_seconds(int repetitions, Fn fn) {
    std::vector<double> times;
    for (int i = 0; i < repetitions; ++i) {
        const auto start = std::chrono::steady_clock::now();
        fn();
        times.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    }
    std::sort(times.begin(), times.end());
    return times[times.size() / 2];
}

}  // namespace

std::string mixed_text(size_t bytes, uint64_t seed) {
    runtime::Rng rng(seed);
    std::string out;
    out.reserve(bytes + 256);
    while (out.size() < bytes) append_segment(out, rng);
    return out;
}

TokenizerBenchReport run_tokenizer_bench(const TokenizerBenchOptions& options) {
    if (options.repetitions < 1) throw Error("bench tokenizer: repetitions must be at least 1");
    const gguf::File file = gguf::File::open(options.model);
    TokenizerBenchReport report;
    report.model = file.source();
    report.tokenizer = fmt::format("{} / {}", file.get_string("tokenizer.ggml.model"),
                                   file.get_string_or("tokenizer.ggml.pre", "-"));
    report.repetitions = options.repetitions;
    report.load_ms = 1e3 * median_seconds(options.repetitions, [&] { tokenizer::Tokenizer::from_gguf(file); });
    const auto tok = tokenizer::Tokenizer::from_gguf(file);
    report.n_vocab = tok.n_vocab();

    const std::string text = mixed_text(options.text_bytes, options.seed);
    report.text_bytes = text.size();
    std::vector<tokenizer::TokenId> ids;
    const double encode_s = median_seconds(options.repetitions, [&] { ids = tok.encode(text, false); });
    report.n_tokens = ids.size();
    report.encode_mb_per_s = static_cast<double>(text.size()) / kMegabyte / encode_s;
    report.encode_tokens_per_s = static_cast<double>(ids.size()) / encode_s;
    std::string decoded;
    const double decode_s = median_seconds(options.repetitions, [&] { decoded = tok.decode(ids); });
    report.decode_mb_per_s = static_cast<double>(decoded.size()) / kMegabyte / decode_s;

    runtime::Rng rng(options.seed);
    std::string letters(size_t{1} << 20, 'a');
    for (char& c : letters) c = static_cast<char>('a' + pick(rng, 26));
    report.no_space_ms = 1e3 * median_seconds(options.repetitions, [&] { ids = tok.encode(letters, false); });
    return report;
}

report::BenchOutput tokenizer_bench_output(const TokenizerBenchReport& r) {
    using report::Cell;
    report::Table table({{"model", ""}, {"tokenizer", ""}, {"n_vocab", ""}, {"repetitions", ""},
                         {"load_ms", "load (from parsed GGUF metadata)"}, {"text_bytes", "mixed text"},
                         {"n_tokens", ""}, {"encode_mb_per_s", "encode"}, {"encode_tokens_per_s", ""},
                         {"decode_mb_per_s", "decode"}, {"no_space_ms", "encode 1 MB without a space (one word)"}});
    const double bytes_per_token = static_cast<double>(r.text_bytes) / static_cast<double>(std::max<size_t>(r.n_tokens, 1));
    const std::string text = fmt::format("{:.2f} MB, {} tokens, {:.2f} bytes/token", r.text_bytes / kMegabyte,
                                         r.n_tokens, bytes_per_token);
    const std::string encode = fmt::format("{:.2f} MB/s, {:.0f} tokens/s", r.encode_mb_per_s, r.encode_tokens_per_s);
    table.add_row({Cell::text(r.model), Cell::text(r.tokenizer), Cell::unsigned_integer(r.n_vocab),
                   Cell::integer(r.repetitions), Cell::number(r.load_ms, 3, 1).with_md(fmt::format("{:.1f} ms", r.load_ms)),
                   Cell::unsigned_integer(r.text_bytes).with_md(text), Cell::unsigned_integer(r.n_tokens),
                   Cell::number(r.encode_mb_per_s, 3, 2).with_md(encode), Cell::number(r.encode_tokens_per_s, 0, 0),
                   Cell::number(r.decode_mb_per_s, 3, 1).with_md(fmt::format("{:.1f} MB/s", r.decode_mb_per_s)),
                   Cell::number(r.no_space_ms, 3, 0).with_md(fmt::format("{:.0f} ms", r.no_space_ms))});
    report::BenchOutput output{table};
    output.title = fmt::format("tokenizer bench: {} ({}, {} tokens), 1 thread, median of {}", r.model, r.tokenizer,
                               r.n_vocab, r.repetitions);
    output.md_by_field = true;
    return output;
}

}  // namespace bench
