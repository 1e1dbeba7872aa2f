#include "kernels/attention/dense_attention.h"

#include "kernels/attention/attention_core.h"
#include "kernels/attention/shape_checks.h"

namespace kernels {
namespace {

// Queries per candidate chunk: each query's list holds up to seq ids, so keep chunks small.
constexpr size_t kDenseChunk = 8;

}  // namespace

Tensor3 dense_attention(const Tensor3& q, const Tensor3& k, const Tensor3& v, bool causal, ThreadPool* pool) {
    detail::validate_qkv(q, k, v);
    Tensor3 out = Tensor3::zeros(q.seq(), q.heads(), q.dim());
    detail::Workspace ws;
    const size_t seq = q.seq();
    detail::attend_all(q, k, v, 0, detail::FoldOrder::TokensThenBlocks, true, kDenseChunk, ws, pool,
                       [&](size_t i) { ws.chunk.add_dense(i, seq, causal); }, out);
    return out;
}

}  // namespace kernels
