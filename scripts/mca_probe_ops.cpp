// The program scripts/estimate-pi.sh traces under qemu (scripts/mca-trace.sh): one of a decode step's
// operations beside the matmuls, once, on seeded data of a model's shape, between two calls the trace is cut
// at. The instruction set is the one SPARSE_LLM_ISA picks, as in the runtime.
//
//     mca_probe_ops rms_norm N | add N | swiglu N | quantize q8_0|q8_K N | rope_angles ROPE_DIM
//                   | rope HEADS HEAD_DIM ROPE_DIM | attend Q_HEADS KV_HEADS HEAD_DIM DEPTH | sample VOCAB
//
// attend is one layer's attention of the pi-zero-2w preset (sparse candidates, fp16 KV cache, one thread):
// the new token's K/V row appended to DEPTH cached rows, then its query attended; it prints the token and
// landmark-block candidates of that query (what it reads of the cache). sample is run's default sampler
// (temperature 0.8, top-k 40, top-p 0.95, min-p 0.05) over VOCAB logits.
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

#include "kernels/attention/candidates.h"
#include "kernels/attention/sparse_attention.h"
#include "kernels/common/ops.h"
#include "kernels/common/rope.h"
#include "kernels/matmul/quantized_activations.h"
#include "src/sampler.h"

extern "C" __attribute__((noinline)) void mca_trace_begin() { asm volatile(""); }
extern "C" __attribute__((noinline)) void mca_trace_end() { asm volatile(""); }

namespace {

std::vector<float> seeded(size_t n) {
    static std::mt19937 rng(1);
    std::normal_distribution<float> normal(0.0f, 1.0f);
    std::vector<float> v(n);
    for (float& x : v) x = normal(rng);
    return v;
}

size_t arg(char** argv, int i) { return static_cast<size_t>(std::atoll(argv[i])); }

// Runs op with its arguments; false for an unknown op or a wrong argument count.
bool run(const std::string& op, int argc, char** argv) {
    if ((op == "rms_norm" || op == "add" || op == "swiglu") && argc == 3) {
        const size_t n = arg(argv, 2);
        std::vector<float> x = seeded(n), y = seeded(n);
        mca_trace_begin();
        if (op == "rms_norm") kernels::rms_norm(x.data(), y.data(), x.data(), n, 1e-5f);
        else if (op == "add") kernels::add_in_place(x.data(), y.data(), n);
        else kernels::swiglu_in_place(x.data(), y.data(), n);
        mca_trace_end();
        return true;
    }
    if (op == "quantize" && argc == 4) {
        const std::string type = argv[2];
        const auto n = static_cast<int64_t>(arg(argv, 3));
        std::vector<float> x = seeded(static_cast<size_t>(n));
        kernels::QuantizedActivations q(type == "q8_K" ? kernels::ActivationType::Q8_K : kernels::ActivationType::Q8_0);
        q.reserve(1, n);
        mca_trace_begin();
        q.quantize(x.data(), 1, n);
        mca_trace_end();
        return true;
    }
    if (op == "rope_angles" && argc == 3) {
        const size_t rope_dim = arg(argv, 2);
        std::vector<float> cos(rope_dim / 2), sin(rope_dim / 2);
        const kernels::Rope rope(rope_dim, 100000.0f);
        mca_trace_begin();
        rope.angles(1000, cos.data(), sin.data());
        mca_trace_end();
        return true;
    }
    if (op == "rope" && argc == 5) {
        const size_t heads = arg(argv, 2), head_dim = arg(argv, 3), rope_dim = arg(argv, 4);
        std::vector<float> x = seeded(heads * head_dim), cos = seeded(rope_dim / 2), sin = seeded(rope_dim / 2);
        mca_trace_begin();
        kernels::rope_rotate(x.data(), heads, head_dim, rope_dim, cos.data(), sin.data());
        mca_trace_end();
        return true;
    }
    if (op == "attend" && argc == 6) {
        const size_t q_heads = arg(argv, 2), kv_heads = arg(argv, 3), dim = arg(argv, 4), depth = arg(argv, 5);
        const kernels::SparseAttentionConfig config = kernels::SparseAttentionConfig::pi_zero_2w();
        kernels::KvCacheF16 cache(depth + 1, kv_heads, dim, config.block_size);
        const std::vector<float> k = seeded(kv_heads * dim), v = seeded(kv_heads * dim);
        for (size_t i = 0; i < depth; ++i) cache.append_row(k.data(), v.data());
        kernels::SparseAttention attention(config);
        std::vector<float> q = seeded(q_heads * dim), out(q_heads * dim);
        cache.append_row(k.data(), v.data());
        attention.attend_cached(q.data(), 1, q_heads, cache, out.data());  // sizes its scratch
        cache.truncate(depth);
        mca_trace_begin();
        cache.append_row(k.data(), v.data());
        attention.attend_cached(q.data(), 1, q_heads, cache, out.data());
        mca_trace_end();
        std::vector<uint32_t> tokens, blocks;
        kernels::CandidateBuilder().build(depth, depth + 1, config, tokens, blocks);
        std::printf("%zu %zu\n", tokens.size(), blocks.size());
        return true;
    }
    if (op == "sample" && argc == 3) {
        const size_t vocab = arg(argv, 2);
        std::vector<float> logits = seeded(vocab);
        runtime::Sampler sampler(runtime::SamplerParams{}, static_cast<int64_t>(vocab));
        mca_trace_begin();
        const int32_t token = sampler.sample(logits.data());
        mca_trace_end();
        std::printf("%d\n", token);
        return true;
    }
    return false;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2 || !run(argv[1], argc, argv)) {
        std::fprintf(stderr, "usage: mca_probe_ops rms_norm N | add N | swiglu N | quantize q8_0|q8_K N | "
                             "rope_angles ROPE_DIM | rope HEADS HEAD_DIM ROPE_DIM | attend Q_HEADS KV_HEADS HEAD_DIM DEPTH | sample VOCAB\n");
        return 2;
    }
    return 0;
}
