#include "src/run_config.h"

#include <fmt/format.h>

#include "src/runtime_error.h"

namespace runtime {

kernels::SparseAttentionConfig default_attention() {
    kernels::SparseAttentionConfig config;
    config.kv_dtype = kernels::KvDtype::F16;
    return config;
}

kernels::AttentionPath parse_attention(const std::string& name) {
    if (name == "dense") return kernels::AttentionPath::Dense;
    if (name == "sparse") return kernels::AttentionPath::Sparse;
    if (name == "gated") return kernels::AttentionPath::Gated;
    throw Error(fmt::format("unknown attention '{}' (dense, sparse, gated)", name));
}

const char* attention_name(kernels::AttentionPath path) {
    switch (path) {
        case kernels::AttentionPath::Dense: return "dense";
        case kernels::AttentionPath::Sparse: return "sparse";
        case kernels::AttentionPath::Gated: return "gated";
    }
    return "?";
}

kernels::KvDtype parse_kv_type(const std::string& name) {
    if (name == "f16") return kernels::KvDtype::F16;
    if (name == "f32") return kernels::KvDtype::F32;
    throw Error(fmt::format("unknown KV cache type '{}' (f16, f32)", name));
}

const char* kv_type_name(kernels::KvDtype type) { return type == kernels::KvDtype::F16 ? "f16" : "f32"; }

}  // namespace runtime
