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
// and batch rows use them.
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

class Transformer {
public:
    // Throws runtime::Error for a config the model cannot run with (zero sizes, budget too small).
    Transformer(const Model& model, const RunConfig& config);
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

    void run_step(const int32_t* tokens, size_t n, float* logits, bool all_logits);
    void attention_block(int64_t layer, size_t n);
    void ffn_block(int64_t layer, size_t n);
    void check_deadline(const char* checkpoint) const;

    const Model& model_;
    RunConfig config_;
    kernels::ThreadPool pool_;
    kernels::Matmul matmul_;
    kernels::SparseAttention attention_;
    kernels::Rope rope_;
    KvStore kv_;
    std::unique_ptr<Scratch> s_;
    AttendControl control_;
    int64_t n_past_ = 0;
};

}  // namespace runtime
