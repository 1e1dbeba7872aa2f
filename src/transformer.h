// The llama forward pass over a Model, with its KV caches, thread pool and scratch (llama2.c's
// Transformer + RunState). forward() runs a batch of tokens at the next positions through every layer and
// returns logits; prompt batches go through the matmul kernels, single tokens through matvec.
//
//   runtime::Transformer t(model, config);                           // config: src/run_config.h
//   t.forward(prompt.data(), prompt.size(), logits.data());          // prefill, logits of the last token
//   t.forward(&token, 1, logits.data());                              // decode
//
// Per layer, for x = the residual stream (n x n_embd):
//   xb = rmsnorm(x, attn_norm);  q, k, v = Wq xb, Wk xb, Wv xb;  rope(q, k, absolute positions)
//   x += Wo · attention(q, KV cache of the layer + k, v)
//   xb = rmsnorm(x, ffn_norm);   x += Wdown · (silu(Wgate xb) ⊙ Wup xb)
// logits = Woutput · rmsnorm(x, output_norm).
// Nothing allocates per token once constructed; threads are created once. The KV caches and the scratch are
// paged (kernels/attention/paged_array.h): sized for the context and the batch, they take memory as tokens
// and batch rows use them. Transformers of one model may decode together: decode_batch() runs one token of
// each through a single pass (src/decode_batcher.h arranges that for threads decoding at once).
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "kernels/attention/deadline.h"
#include "kernels/attention/sparse_attention.h"
#include "kernels/common/rope.h"
#include "kernels/common/thread_pool.h"
#include "kernels/matmul/matmul.h"
#include "src/kv_store.h"
#include "src/model.h"
#include "src/run_config.h"

namespace runtime {

class DecodeBatcher;
class Transformer;

// One sequence's next token in a batched decode step.
struct DecodeRequest {
    Transformer* sequence;
    int32_t token;
    float* logits;  // n_vocab floats
};

class Transformer {
public:
    // Throws runtime::Error for a config the model cannot run with (zero sizes, budget too small). With a
    // batcher (which must outlive it) the transformer runs on the batcher's thread pool, not one of
    // config.n_threads, and its forward passes take turns with the batcher's other transformers.
    Transformer(const Model& model, const RunConfig& config, DecodeBatcher* batcher = nullptr);
    ~Transformer();

    const Model& model() const { return model_; }
    const RunConfig& config() const { return config_; }
    int64_t n_past() const { return n_past_; }    // tokens processed so far (the next absolute position)
    size_t kv_len() const { return kv_.len(); }  // slots in use (< n_past once tokens were evicted)
    uint64_t kv_bytes() const { return kv_.bytes(); }         // the caches' bytes when every slot is filled
    uint64_t kv_resident_bytes() const { return kv_.resident_bytes(); }  // what they hold in memory now
    uint64_t evictions() const { return kv_.evictions(); }
    // Bytes the caches of this config hold for a sequence of `tokens` (at most the KV budget's slots).
    static uint64_t kv_bytes_for(const ModelConfig& model, const RunConfig& config, int64_t tokens);
    // Bytes of the per-step activations and the matmul's quantized copies of them, for n_batch tokens
    // (saturating: UINT64_MAX when that does not fit).
    static uint64_t scratch_bytes(const ModelConfig& config, int64_t n_batch);
    // How many more tokens fit; -1 when unbounded (a KV budget evicts).
    int64_t room() const;

    // How the next steps attend (the deadline policy may switch to gated with a smaller top-k).
    AttendControl& control() { return control_; }

    // Runs n tokens at positions n_past() .. n_past() + n - 1 and writes the logits of the last one
    // (n_vocab floats), or of every one (n x n_vocab) when all_logits. Throws runtime::Error for a token id
    // outside the vocabulary or a batch that does not fit the context. With a deadline (timer in control())
    // it may throw kernels::DeadlineExceeded; the step is then rolled back (caches and n_past as before, but
    // for H2O victims already evicted), as after any other failure.
    void forward(const int32_t* tokens, size_t n, float* logits, bool all_logits = false);

    // Decodes the token of every request in passes of up to n_batch sequences (the first request's): the
    // matmuls read each weight once for all of them, and each sequence attends to its own caches at its own
    // position, as forward(&token, 1, logits) would. The sequences must be distinct transformers of one model;
    // the deadline checked is the first request's. Throws as forward() does, before anything runs for a bad
    // token or a full context, else with every sequence's step rolled back. `logits_rows` is scratch for the
    // logits of a pass (grown once).
    static void decode_batch(const DecodeRequest* requests, size_t n, std::vector<float>& logits_rows);

    // Empties the caches: the next token is at position 0.
    void reset();

    // The caches and the position counter, to come back to: a benchmark fills a depth once and starts every
    // run from it. A state fits any transformer of the same model and cache config (threads may differ).
    struct State {
        KvStore::State kv;
        int64_t n_past = 0;
    };
    State save_state() const;
    // Throws runtime::Error for the state of a differently shaped cache.
    void restore_state(const State& state);
    // One synthetic token through every layer (and the attention kernel's own warm-up), then reset: touches
    // every weight page and fills the caches. Requires n_past() == 0.
    void warm_up();

private:
    struct Scratch;
    // Rows [first, first + n) of a step: n tokens of one sequence at its next positions.
    struct Segment {
        Transformer* sequence;
        size_t first, n;
    };
    enum class LogitRows { None, LastOfEachSegment, All };

    void check_fits(const int32_t* tokens, size_t n) const;
    void forward_steps(const int32_t* tokens, size_t n, float* logits, bool all_logits);
    // Runs the segments' rows (tokens[row]) through every layer on this transformer's pool and scratch, writes
    // the wanted rows' logits, one after the other, then commits every segment's caches and positions.
    void run_step(const int32_t* tokens, const Segment* segments, size_t n_segments, float* logits, LogitRows which);
    void output_logits(const Segment* segments, size_t n_segments, size_t n, float* logits, LogitRows which);
    // y = w · x for one token, in slices of rows with a deadline check between them.
    void project_in_slices(const kernels::Matrix& w, const float* x, float* y);
    void attention_block(int64_t layer, const Segment* segments, size_t n_segments, size_t n);
    void ffn_block(int64_t layer, size_t n);
    void check_deadline(const char* checkpoint) const;

    const Model& model_;
    RunConfig config_;
    DecodeBatcher* batcher_;
    std::unique_ptr<kernels::ThreadPool> own_pool_;  // without a batcher
    kernels::ThreadPool& pool_;
    kernels::Matmul matmul_;
    kernels::SparseAttention attention_;
    kernels::Rope rope_;
    KvStore kv_;
    std::unique_ptr<Scratch> s_;
    AttendControl control_;
    int64_t n_past_ = 0;
    std::vector<Segment> batch_segments_;  // decode_batch()'s, reserved for n_batch
    std::vector<int32_t> batch_tokens_;
};

}  // namespace runtime
