#include "src/transformer.h"

#include <algorithm>
#include <atomic>
#include <iterator>
#include <new>
#include <stdexcept>
#include <string>

#include <fmt/format.h>

#include "kernels/attention/paged_array.h"
#include "kernels/common/ops.h"
#include "kernels/common/size_math.h"
#include "src/decode_batcher.h"
#include "src/runtime_error.h"

namespace runtime {

// Activations of one step of up to n_batch tokens, token-major ([token][feature]); paged, so a step of n
// tokens touches the memory of n rows.
struct Transformer::Scratch {
    using Buffer = kernels::PagedArray<float>;
    Buffer x;          // (n_batch, n_embd) the residual stream
    Buffer xb;         // (n_batch, n_embd) normed input of a block
    Buffer q;          // (n_batch, n_head * head_dim)
    Buffer k;          // (n_batch, n_head_kv * head_dim)
    Buffer v;          // (n_batch, n_head_kv * head_dim)
    Buffer att;        // (n_batch, n_head * head_dim) attention output, heads concatenated
    Buffer proj;       // (n_batch, n_embd) a block's output before the residual add
    Buffer gate;       // (n_batch, n_ff)
    Buffer up;         // (n_batch, n_ff)
    Buffer cos, sin;   // (n_batch, rope_dim / 2) rotation of each token's position

    Scratch(const ModelConfig& c, size_t n_batch)
        : x(n_batch * c.n_embd), xb(n_batch * c.n_embd), q(n_batch * c.q_width()), k(n_batch * c.kv_width()),
          v(n_batch * c.kv_width()), att(n_batch * c.q_width()), proj(n_batch * c.n_embd), gate(n_batch * c.n_ff),
          up(n_batch * c.n_ff), cos(n_batch * c.rope_dim / 2), sin(n_batch * c.rope_dim / 2) {}
};

namespace {

RunConfig checked(RunConfig c) {
    if (c.n_ctx < 1) throw Error(fmt::format("context size {} must be at least 1", c.n_ctx));
    if (c.kv_budget < 0) throw Error(fmt::format("KV budget {} is negative", c.kv_budget));
    if (c.n_batch < 1) throw Error(fmt::format("batch size {} must be at least 1", c.n_batch));
    if (c.n_threads < 1) throw Error("thread count must be at least 1");
    if (c.sparse.block_size == 0) throw Error("attention block size must be at least 1");
    return c;
}

// What could not be allocated, when the KV cache and the scratch of a context and batch do not fit in memory.
std::string allocation_failure(const ModelConfig& config, const RunConfig& o) {
    constexpr double kMiB = 1024.0 * 1024.0;
    return fmt::format("cannot allocate the KV cache for a context of {} tokens ({:.1f} MiB) and the scratch for a "
                       "batch of {} ({:.1f} MiB)",
                       o.n_ctx, static_cast<double>(Transformer::kv_bytes_for(config, o, o.n_ctx)) / kMiB, o.n_batch,
                       static_cast<double>(Transformer::scratch_bytes(config, o.n_batch)) / kMiB);
}

// One token's row through the family's norm: RMSNorm, or LayerNorm with its bias.
void normalize(const ModelConfig& c, const float* x, const float* weight, const float* bias, float* out) {
    if (c.layer_norm)
        kernels::layer_norm(x, weight, bias, out, static_cast<size_t>(c.n_embd), c.norm_eps);
    else
        kernels::rms_norm(x, weight, out, static_cast<size_t>(c.n_embd), c.norm_eps);
}

// y += bias, where the matrix has one.
void add_bias(float* y, const float* bias, size_t n) {
    if (bias) kernels::add_in_place(y, bias, n);
}

// fn(t) for the tokens t of a step: a prefill's per-token work spread over the threads, a decode step's inline.
template <typename Fn>
void per_token(kernels::ThreadPool& pool, size_t n, Fn&& fn) {
    if (n == 1)
        fn(size_t{0});
    else
        pool.parallel_for(n, fn);
}

}  // namespace

// A function-try-block: a failed allocation of any member becomes an error that names the sizes asked for.
Transformer::Transformer(const Model& model, const RunConfig& config, DecodeBatcher* batcher) try
    : model_(model), config_(checked(config)), batcher_(batcher),
      own_pool_(batcher ? nullptr : std::make_unique<kernels::ThreadPool>(config_.n_threads)),
      pool_(batcher ? batcher->pool() : *own_pool_), matmul_(pool_),
      attention_(config_.sparse, &pool_),
      rope_(static_cast<size_t>(model.config().rope_dim), model.config().rope_freq_base, model.rope_freqs()),
      kv_(model.config(), config_, attention_),
      s_(std::make_unique<Scratch>(model.config(), static_cast<size_t>(config_.n_batch))) {
    const ModelConfig& c = model.config();
    matmul_.reserve(config_.n_batch, std::max({c.n_embd, c.n_ff, c.q_width()}));
    control_.attention = config_.attention;
    control_.gate_top_k = config_.gate_top_k;
    batch_segments_.reserve(static_cast<size_t>(config_.n_batch));
    batch_tokens_.reserve(static_cast<size_t>(config_.n_batch));
} catch (const std::bad_alloc&) {
    throw Error(allocation_failure(model.config(), config));
} catch (const std::length_error&) {
    throw Error(allocation_failure(model.config(), config));
}

Transformer::~Transformer() = default;

uint64_t Transformer::kv_bytes_for(const ModelConfig& model, const RunConfig& config, int64_t tokens) {
    const int64_t slots = config.kv_budget > 0 ? std::min(tokens, config.kv_budget) : tokens;
    return KvStore::bytes_for(model, config, static_cast<size_t>(std::max<int64_t>(slots, 0)));
}

uint64_t Transformer::scratch_bytes(const ModelConfig& c, int64_t n_batch) {
    using kernels::saturating_add;
    using kernels::saturating_mul;
    const auto u = [](int64_t v) { return static_cast<uint64_t>(std::max<int64_t>(v, 0)); };
    const uint64_t widest = std::max({u(c.n_embd), u(c.n_ff), u(c.q_width())});
    const uint64_t floats_per_token = saturating_add(
        saturating_add(saturating_mul(4, u(c.n_embd)), saturating_mul(2, u(c.q_width()))),
        saturating_add(saturating_add(saturating_mul(2, u(c.kv_width())), saturating_mul(2, u(c.n_ff))), u(c.rope_dim)));
    // the matmul keeps one 8-bit copy per activation type (q8_0, q8_K) with a float scale per 32 values
    const uint64_t quantized_per_token = saturating_mul(2, saturating_add(widest, widest / 32 * 4 + widest / 16 * 2));
    return saturating_mul(u(n_batch), saturating_add(saturating_mul(4, floats_per_token), quantized_per_token));
}

int64_t Transformer::room() const {
    if (kv_.evicts()) return -1;
    return static_cast<int64_t>(kv_.capacity() - kv_.len());
}

void Transformer::check_fits(const int32_t* tokens, size_t n) const {
    const ModelConfig& c = model_.config();
    for (size_t i = 0; i < n; ++i)
        if (tokens[i] < 0 || tokens[i] >= c.n_vocab)
            throw Error(fmt::format("token id {} is outside the vocabulary (0..{})", tokens[i], c.n_vocab - 1));
    if (!kv_.evicts() && n > kv_.capacity() - kv_.len())
        throw Error(fmt::format("context full: {} tokens do not fit after {} of {} (raise -c or set --kv-budget)", n,
                                kv_.len(), kv_.capacity()));
}

void Transformer::forward(const int32_t* tokens, size_t n, float* logits, bool all_logits) {
    check_fits(tokens, n);
    if (!batcher_) return forward_steps(tokens, n, logits, all_logits);
    if (n == 1 && logits && !control_.deadline) return batcher_->decode(*this, tokens[0], logits);
    const DecodeBatcher::Turn turn = batcher_->turn(*this);  // a prompt, or a step timed alone
    forward_steps(tokens, n, logits, all_logits);
}

void Transformer::forward_steps(const int32_t* tokens, size_t n, float* logits, bool all_logits) {
    const size_t n_vocab = static_cast<size_t>(model_.config().n_vocab);
    for (size_t done = 0; done < n;) {
        const size_t step = std::min({n - done, static_cast<size_t>(config_.n_batch), kv_.rows_per_step()});
        const bool last = done + step == n;
        float* out = all_logits ? logits + done * n_vocab : last ? logits : nullptr;
        const Segment whole{this, 0, step};
        try {
            run_step(tokens + done, &whole, 1, out, all_logits ? LogitRows::All : out ? LogitRows::LastOfEachSegment : LogitRows::None);
        } catch (...) {  // a missed deadline (or any failure) leaves no partial step behind
            kv_.rollback();
            throw;
        }
        done += step;
    }
}

void Transformer::decode_batch(const DecodeRequest* requests, size_t n, std::vector<float>& logits_rows) {
    if (n == 0) return;
    Transformer& lead = *requests[0].sequence;
    for (size_t i = 0; i < n; ++i) {
        if (&requests[i].sequence->model_ != &lead.model_) throw Error("a batched decode step runs one model");
        requests[i].sequence->check_fits(&requests[i].token, 1);
    }
    const size_t n_vocab = static_cast<size_t>(lead.model_.config().n_vocab);
    const size_t per_pass = static_cast<size_t>(lead.config_.n_batch);
    for (size_t done = 0; done < n; done += per_pass) {
        const size_t rows = std::min(per_pass, n - done);
        lead.batch_segments_.clear();
        lead.batch_tokens_.clear();
        for (size_t i = 0; i < rows; ++i) {
            lead.batch_segments_.push_back({requests[done + i].sequence, i, 1});
            lead.batch_tokens_.push_back(requests[done + i].token);
        }
        logits_rows.resize(std::max(logits_rows.size(), rows * n_vocab));
        try {
            lead.run_step(lead.batch_tokens_.data(), lead.batch_segments_.data(), rows, logits_rows.data(),
                          LogitRows::LastOfEachSegment);
        } catch (...) {
            for (const Segment& segment : lead.batch_segments_) segment.sequence->kv_.rollback();
            throw;
        }
        for (size_t i = 0; i < rows; ++i)
            std::copy_n(logits_rows.data() + i * n_vocab, n_vocab, requests[done + i].logits);
    }
}

void Transformer::run_step(const int32_t* tokens, const Segment* segments, size_t n_segments, float* logits,
                           LogitRows which) {
    const ModelConfig& c = model_.config();
    const size_t d = static_cast<size_t>(c.n_embd), half = static_cast<size_t>(c.rope_dim / 2);
    const size_t n = segments[n_segments - 1].first + segments[n_segments - 1].n;
    std::atomic<size_t> bad_row{n};  // a row whose embedding is not finite (pool tasks must not throw)
    per_token(pool_, n, [&](size_t t) {
        const Segment& segment = *std::prev(std::upper_bound(segments, segments + n_segments, t,
                                                             [](size_t row, const Segment& g) { return row < g.first; }));
        if (!model_.embed(tokens[t], s_->x.data() + t * d)) bad_row = t;
        const int64_t position = segment.sequence->n_past_ + static_cast<int64_t>(t - segment.first);
        rope_.angles(position, s_->cos.data() + t * half, s_->sin.data() + t * half);
    });
    if (bad_row < n) throw Error(model_.bad_embedding(tokens[bad_row]));
    for (int64_t l = 0; l < c.n_layer; ++l) {
        attention_block(l, segments, n_segments, n);
        ffn_block(l, n);
    }
    if (which != LogitRows::None) output_logits(segments, n_segments, n, logits, which);
    check_deadline("logits");  // the last checkpoint ends the step: no work runs unchecked after it
    for (size_t i = 0; i < n_segments; ++i) {
        segments[i].sequence->kv_.commit();
        segments[i].sequence->n_past_ += static_cast<int64_t>(segments[i].n);
    }
}

void Transformer::output_logits(const Segment* segments, size_t n_segments, size_t n, float* logits, LogitRows which) {
    const ModelConfig& c = model_.config();
    const size_t d = static_cast<size_t>(c.n_embd);
    // Only the rows whose logits are wanted go through the (vocabulary-sized) output projection.
    const size_t rows = which == LogitRows::All ? n : n_segments;
    const auto row = [&](size_t t) { return which == LogitRows::All ? t : segments[t].first + segments[t].n - 1; };
    per_token(pool_, rows, [&](size_t t) {
        normalize(c, s_->x.data() + row(t) * d, model_.output_norm(), model_.output_norm_bias(), s_->xb.data() + t * d);
    });
    if (rows == 1 && control_.deadline)
        project_in_slices(model_.output(), s_->xb.data(), logits);
    else
        matmul_.matmul(model_.output(), s_->xb.data(), static_cast<int64_t>(rows), logits);
    if (const float* bias = model_.output_bias()) {
        const auto n_vocab = static_cast<size_t>(c.n_vocab);
        per_token(pool_, rows, [&](size_t t) { kernels::add_in_place(logits + t * n_vocab, bias, n_vocab); });
    }
}

void Transformer::attention_block(int64_t layer, const Segment* segments, size_t n_segments, size_t n) {
    const ModelConfig& c = model_.config();
    const LayerWeights& w = model_.layer(layer);
    const size_t d = static_cast<size_t>(c.n_embd), half = static_cast<size_t>(c.rope_dim / 2);
    const size_t qw = static_cast<size_t>(c.q_width()), kvw = static_cast<size_t>(c.kv_width());
    const auto hd = static_cast<size_t>(c.head_dim), rd = static_cast<size_t>(c.rope_dim);
    Scratch& s = *s_;
    per_token(pool_, n, [&](size_t t) { normalize(c, s.x.data() + t * d, w.attn_norm, w.attn_norm_b, s.xb.data() + t * d); });
    matmul_.matmul_shared(s.xb.data(), static_cast<int64_t>(n), {{w.wq, s.q.data()}, {w.wk, s.k.data()}, {w.wv, s.v.data()}});
    per_token(pool_, n, [&](size_t t) {
        add_bias(s.q.data() + t * qw, w.bq, qw);
        add_bias(s.k.data() + t * kvw, w.bk, kvw);
        add_bias(s.v.data() + t * kvw, w.bv, kvw);
        const float* cos = s.cos.data() + t * half;
        const float* sin = s.sin.data() + t * half;
        kernels::rope_rotate(s.q.data() + t * qw, static_cast<size_t>(c.n_head), hd, rd, cos, sin, c.rope_style);
        kernels::rope_rotate(s.k.data() + t * kvw, static_cast<size_t>(c.n_head_kv), hd, rd, cos, sin, c.rope_style);
    });
    for (size_t i = 0; i < n_segments; ++i) {
        const Segment& g = segments[i];
        g.sequence->kv_.attend(layer, s.q.data() + g.first * qw, s.k.data() + g.first * kvw, s.v.data() + g.first * kvw,
                               g.n, s.att.data() + g.first * qw, g.sequence->control_);
    }
    check_deadline("o_proj");
    matmul_.matmul(w.wo, s.att.data(), static_cast<int64_t>(n), s.proj.data());
    per_token(pool_, n, [&](size_t t) {
        add_bias(s.proj.data() + t * d, w.bo, d);
        kernels::add_in_place(s.x.data() + t * d, s.proj.data() + t * d, d);
    });
}

void Transformer::ffn_block(int64_t layer, size_t n) {
    const ModelConfig& c = model_.config();
    const LayerWeights& w = model_.layer(layer);
    const size_t d = static_cast<size_t>(c.n_embd), ff = static_cast<size_t>(c.n_ff);
    Scratch& s = *s_;
    // A parallel block's MLP takes the attention's normed input, still in xb.
    if (!c.parallel_block)
        per_token(pool_, n, [&](size_t t) { normalize(c, s.x.data() + t * d, w.ffn_norm, nullptr, s.xb.data() + t * d); });
    if (c.ffn == FeedForward::Gelu) {
        matmul_.matmul(w.w_up, s.xb.data(), static_cast<int64_t>(n), s.gate.data());
        per_token(pool_, n, [&](size_t t) {
            add_bias(s.gate.data() + t * ff, w.b_up, ff);
            kernels::gelu_in_place(s.gate.data() + t * ff, ff);
        });
    } else {
        matmul_.matmul_shared(s.xb.data(), static_cast<int64_t>(n), {{w.w_gate, s.gate.data()}, {w.w_up, s.up.data()}});
        per_token(pool_, n, [&](size_t t) {
            if (c.ffn == FeedForward::GeGLU)
                kernels::geglu_in_place(s.gate.data() + t * ff, s.up.data() + t * ff, ff);
            else
                kernels::swiglu_in_place(s.gate.data() + t * ff, s.up.data() + t * ff, ff);
        });
    }
    matmul_.matmul(w.w_down, s.gate.data(), static_cast<int64_t>(n), s.proj.data());
    per_token(pool_, n, [&](size_t t) {
        add_bias(s.proj.data() + t * d, w.b_down, d);
        kernels::add_in_place(s.x.data() + t * d, s.proj.data() + t * d, d);
    });
    check_deadline("ffn");
}

void Transformer::project_in_slices(const kernels::Matrix& w, const float* x, float* y) {
    // The vocabulary-sized projection is the longest stretch of a decode step (3.5 of the 10 ms of a
    // SmolLM2-135M step on one Zen 4 thread): under a deadline its slices of rows have checkpoints between them.
    constexpr int64_t kSlices = 8, kGranule = 64;
    const int64_t slice = (w.rows + kSlices * kGranule - 1) / (kSlices * kGranule) * kGranule;
    const size_t row_bytes = w.row_bytes();
    for (int64_t first = 0; first < w.rows; first += slice) {
        if (first > 0) check_deadline("logits");
        const kernels::Matrix rows{w.type, static_cast<const uint8_t*>(w.data) + static_cast<size_t>(first) * row_bytes,
                                   std::min(slice, w.rows - first), w.cols};
        matmul_.matmul(rows, x, 1, y + first);
    }
}

void Transformer::check_deadline(const char* checkpoint) const {
    if (control_.deadline) control_.deadline->check(checkpoint);
}

void Transformer::reset() {
    kv_.reset();
    n_past_ = 0;
}

Transformer::State Transformer::save_state() const { return {kv_.snapshot(), n_past_}; }

void Transformer::restore_state(const State& state) {
    kv_.restore(state.kv);
    n_past_ = state.n_past;
}

void Transformer::warm_up() {
    if (n_past_ != 0) throw Error("warm-up must run before the first token");
    const ModelConfig& c = model_.config();
    attention_.warm_up(static_cast<size_t>(c.n_head), static_cast<size_t>(c.n_head_kv), static_cast<size_t>(c.head_dim));
    std::vector<float> logits(static_cast<size_t>(c.n_vocab));
    const int32_t token = 0;
    const AttendControl saved = control_;
    control_.deadline = nullptr;
    forward(&token, 1, logits.data());
    control_ = saved;
    reset();
}

}  // namespace runtime
