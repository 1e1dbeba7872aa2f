#include "apps/bench/bench_attention.h"

#include <sys/resource.h>
#include <time.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <map>

#include <fmt/format.h>

#include "apps/bench/bench_error.h"
#include "kernels/attention/candidates.h"
#include "kernels/attention/dense_attention.h"
#include "kernels/attention/fastgrnn_gate.h"
#include "kernels/attention/sparse_attention.h"

namespace bench {
namespace {

using Clock = std::chrono::steady_clock;
using kernels::Tensor3;

constexpr size_t kGateHidden = 16;
constexpr size_t kGateTopK = 8;
constexpr size_t kDecodeSteps = 64;          // decode steps per timed run, ending at cache length seq
constexpr double kMinRunSeconds = 0.02;      // short kernels are repeated to fill a run

// U(-0.02, 0.02) from SplitMix64, as the crate's benchmark draws its inputs.
Tensor3 random_tensor(uint64_t seed, size_t seq, size_t heads, size_t dim) {
    Tensor3 t = Tensor3::zeros(seq, heads, dim);
    uint64_t state = seed;
    for (float& x : t.data()) {
        state += 0x9E3779B97F4A7C15ull;
        uint64_t z = state;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
        z ^= z >> 31;
        x = (static_cast<float>(z >> 40) * (1.0f / 16777216.0f) * 2.0f - 1.0f) * 0.02f;
    }
    return t;
}

double peak_rss_mb() {
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return static_cast<double>(usage.ru_maxrss) / 1024.0;  // ru_maxrss is in KiB on Linux
}

double thread_cpu_seconds() {
    timespec t{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return static_cast<double>(t.tv_sec) + 1e-9 * static_cast<double>(t.tv_nsec);
}

double wall_seconds() { return std::chrono::duration<double>(Clock::now().time_since_epoch()).count(); }

// Best time in seconds of one call of fn: after one untimed call, `runs` runs of enough calls to fill
// kMinRunSeconds each; the fastest single call wins (robust to preemption on a shared machine).
// setup (untimed) runs before every call.
double best_seconds(unsigned runs, bool cpu_clock, const std::function<void()>& setup,
                    const std::function<void()>& fn) {
    const auto now = cpu_clock ? thread_cpu_seconds : wall_seconds;
    auto timed = [&] {
        setup();
        const double start = now();
        fn();
        return now() - start;
    };
    const double first = timed();
    const auto calls = static_cast<unsigned>(std::clamp(kMinRunSeconds / std::max(first, 1e-9), 1.0, 1000.0));
    double best = first;
    for (unsigned i = 0; i < runs * calls; ++i) best = std::min(best, timed());
    return best;
}

bool is_decode(const std::string& backend) { return backend.rfind("decode", 0) == 0; }

struct Inputs {
    Tensor3 q, k, v, k_gqa, v_gqa;
};

class Bench {
public:
    Bench(const AttentionBenchOptions& options, kernels::ThreadPool* pool) : o_(options), pool_(pool) {
        config_.window = o_.window;
        config_.block_size = o_.block;
    }

    // Fills row.ms / per_token_us / edges for one backend at one length.
    void measure(const std::string& backend, size_t seq, AttentionBenchRow& row) {
        kernels::SparseAttention attention(config_, pool_);
        if (is_decode(backend)) return measure_decode(backend, seq, attention, row);
        const Inputs& in = inputs(seq);
        std::function<void()> run;
        if (backend == "dense") {
            run = [&] { (void)kernels::dense_attention(in.q, in.k, in.v, true, pool_); };
            row.edges = seq * (seq + 1) / 2;
        } else if (backend == "sparse") {
            run = [&] { (void)attention.forward(in.q, in.k, in.v); };
            row.edges = attention.estimate_sparse_edges(seq);
        } else if (backend == "flash") {
            run = [&] { (void)attention.forward_flash(in.q, in.k, in.v, o_.tile); };
            row.edges = attention.estimate_sparse_edges(seq);
        } else if (backend == "gqa") {
            run = [&] { (void)attention.forward_gqa(in.q, in.k_gqa, in.v_gqa); };
            row.edges = attention.estimate_sparse_edges(seq);
            row.kv_heads = o_.kv_heads;
        } else {  // gated
            const kernels::FastGrnnGate gate(o_.dim, kGateHidden);
            run = [&, gate] { (void)attention.forward_gated_with_fastgrnn(in.q, in.k, in.v, gate, kGateTopK); };
            row.edges = attention.estimate_gated_edges(
                kernels::FastGrnnGate::keep_mask_top_k(gate.score_kv(in.k), kGateTopK));
        }
        const double seconds = best_seconds(o_.runs, o_.clock == "cpu", [] {}, run);
        row.ms = seconds * 1e3;
        row.per_token_us = seconds * 1e6 / static_cast<double>(seq);
    }

private:
    const Inputs& inputs(size_t seq) {
        if (cached_seq_ != seq) {
            inputs_ = {};
            inputs_.q = random_tensor(1, seq, o_.heads, o_.dim);
            inputs_.k = random_tensor(2, seq, o_.heads, o_.dim);
            inputs_.v = random_tensor(3, seq, o_.heads, o_.dim);
            inputs_.k_gqa = random_tensor(4, seq, o_.kv_heads, o_.dim);
            inputs_.v_gqa = random_tensor(5, seq, o_.kv_heads, o_.dim);
            cached_seq_ = seq;
        }
        return inputs_;
    }

    template <typename Cache>
    double time_decode(size_t seq, kernels::SparseAttention& attention, const kernels::CacheAttendOptions& attend) {
        const size_t steps = std::min(kDecodeSteps, seq);
        const Tensor3 k = random_tensor(2, seq, o_.kv_heads, o_.dim), v = random_tensor(3, seq, o_.kv_heads, o_.dim);
        const Tensor3 q = random_tensor(1, steps, o_.heads, o_.dim);
        Cache cache(seq, o_.kv_heads, o_.dim, o_.block);
        Tensor3 out = Tensor3::zeros(1, o_.heads, o_.dim);
        const size_t prefill = seq - steps;
        auto refill = [&] {  // back to seq - steps rows (untimed)
            cache.reset();
            for (size_t t = 0; t < prefill; ++t) cache.append_row(k.row(t, 0), v.row(t, 0));
        };
        auto steps_to_seq = [&] {
            for (size_t s = 0; s < steps; ++s) {
                cache.append_row(k.row(prefill + s, 0), v.row(prefill + s, 0));
                attention.attend_cached(q.row(s, 0), 1, o_.heads, cache, out.row_mut(0, 0), attend);
            }
        };
        return best_seconds(o_.runs, o_.clock == "cpu", refill, steps_to_seq) / static_cast<double>(steps);
    }

    void measure_decode(const std::string& backend, size_t seq, kernels::SparseAttention& attention,
                        AttentionBenchRow& row) {
        kernels::CacheAttendOptions attend;
        double seconds = 0.0;
        if (backend == "decode-f16") {
            seconds = time_decode<kernels::KvCacheF16>(seq, attention, attend);
        } else {
            if (backend == "decode-dense") attend.path = kernels::AttentionPath::Dense;
            seconds = time_decode<kernels::KvCache>(seq, attention, attend);
        }
        std::vector<uint32_t> tokens, blocks;
        kernels::CandidateBuilder().build(seq - 1, seq, config_, tokens, blocks);
        row.edges = backend == "decode-dense" ? seq : tokens.size() + blocks.size();
        row.kv_heads = o_.kv_heads;
        row.ms = seconds * 1e3;
        row.per_token_us = seconds * 1e6;
    }

    const AttentionBenchOptions& o_;
    kernels::ThreadPool* pool_;
    kernels::SparseAttentionConfig config_;
    Inputs inputs_;
    size_t cached_seq_ = 0;
};

void validate(const AttentionBenchOptions& o) {
    for (const std::string& b : o.backends)
        if (std::find(attention_bench_backends().begin(), attention_bench_backends().end(), b) ==
            attention_bench_backends().end())
            throw Error(fmt::format("unknown backend '{}' (known: {})", b,
                                    fmt::join(attention_bench_backends(), ", ")));
    if (o.heads == 0 || o.kv_heads == 0 || o.heads % o.kv_heads != 0)
        throw Error(fmt::format("--heads {} must be a positive multiple of --kv-heads {}", o.heads, o.kv_heads));
    if (o.dim == 0 || o.block == 0) throw Error("--dim and --block must be greater than zero");
    if (o.threads == 0 || o.runs == 0) throw Error("--threads and --runs must be at least 1");
    if (o.clock != "wall" && o.clock != "cpu") throw Error("--clock must be wall or cpu");
    if (o.clock == "cpu" && o.threads != 1)
        throw Error("--clock cpu times the calling thread only: use it with --threads 1");
    for (size_t seq : o.seqs)
        if (seq == 0 || seq > (size_t{1} << 24)) throw Error(fmt::format("--seqs: {} is not in 1..2^24", seq));
}

}  // namespace

const std::vector<std::string>& attention_bench_backends() {
    static const std::vector<std::string> names{"dense", "sparse", "flash", "gqa",
                                                "gated", "decode", "decode-f16", "decode-dense"};
    return names;
}

std::vector<AttentionBenchRow> run_attention_bench(const AttentionBenchOptions& options,
                                                   const std::function<void(const AttentionBenchRow&)>& on_row) {
    validate(options);
    kernels::ThreadPool pool(options.threads);
    Bench bench(options, options.threads > 1 ? &pool : nullptr);
    std::vector<AttentionBenchRow> rows;
    for (size_t seq : options.seqs) {
        std::map<std::string, double> dense_per_token;  // reference per seq: "dense", "decode-dense"
        // References first, so every row can carry its speed-up.
        std::vector<std::string> order;
        for (const char* reference : {"dense", "decode-dense"})
            if (std::count(options.backends.begin(), options.backends.end(), reference)) order.push_back(reference);
        for (const std::string& b : options.backends)
            if (b != "dense" && b != "decode-dense") order.push_back(b);
        for (const std::string& backend : order) {
            if (backend == "dense" && seq > options.dense_max) continue;
            AttentionBenchRow row{backend, seq, options.heads, options.heads, options.dim, options.window,
                                  options.block, options.threads, 0.0, 0.0, 0, std::nullopt, 0.0};
            bench.measure(backend, seq, row);
            const std::string reference = is_decode(backend) ? "decode-dense" : "dense";
            if (backend == reference) dense_per_token[reference] = row.per_token_us;
            if (dense_per_token.count(reference)) row.speedup_vs_dense = dense_per_token[reference] / row.per_token_us;
            row.peak_rss_mb = peak_rss_mb();
            if (on_row) on_row(row);
            rows.push_back(row);
        }
    }
    return rows;
}

report::SvgPlot plot_attention_bench(const std::vector<AttentionBenchRow>& rows) {
    report::SvgPlot plot;
    plot.y_label = "µs per token";
    plot.x_label = "sequence length";
    plot.log_y = true;
    for (const AttentionBenchRow& r : rows) {
        if (plot.title.empty())
            plot.title = fmt::format("Attention per token: {} heads of {}, window {}, block {}, {} thread(s)", r.heads,
                                     r.dim, r.window, r.block, r.threads);
        auto series = std::find_if(plot.series.begin(), plot.series.end(), [&](const report::PlotSeries& s) { return s.name == r.backend; });
        if (series == plot.series.end()) series = plot.series.insert(plot.series.end(), report::PlotSeries{r.backend, {}});
        series->points.emplace_back(static_cast<double>(r.seq), r.per_token_us);
    }
    return plot;
}

report::BenchOutput attention_bench_output(const std::vector<AttentionBenchRow>& rows) {
    using report::Cell;
    report::Table table({{"backend", "backend"}, {"seq", "seq"}, {"heads", "heads"}, {"kv_heads", "kv"},
                         {"dim", "dim"}, {"window", "window"}, {"block", "block"}, {"threads", "threads"},
                         {"ms", "ms"}, {"per_token_us", "µs/token"}, {"edges", "edges"},
                         {"speedup_vs_dense", "× dense"}, {"peak_rss_mb", "peak RSS MB"}});
    const auto count = [](size_t n) { return Cell::unsigned_integer(n); };
    for (const AttentionBenchRow& r : rows)
        table.add_row({Cell::text(r.backend), count(r.seq), count(r.heads), count(r.kv_heads), count(r.dim),
                       count(r.window), count(r.block), count(r.threads), Cell::number(r.ms, 4, 3),
                       Cell::number(r.per_token_us, 3, 2), count(r.edges),
                       r.speedup_vs_dense ? Cell::number(*r.speedup_vs_dense, 2, 2) : Cell::null(),
                       Cell::number(r.peak_rss_mb, 1, 1)});
    return {table};
}

}  // namespace bench
