#include "kernels/attention/attention_config.h"

#include "kernels/attention/attention_error.h"

namespace kernels {

SparseAttentionConfig SparseAttentionConfig::pi_zero_2w() {
    SparseAttentionConfig config;
    config.window = 64;
    config.block_size = 32;
    config.sort_candidates = true;
    config.tile = 16;
    config.backend = AttentionBackend::FlashSparse;
    config.kv_dtype = KvDtype::F16;
    config.threads = 1;
    return config;
}

void SparseAttentionConfig::validate() const {
    if (block_size == 0) throw InvalidConfig("block_size must be greater than zero");
}

}  // namespace kernels
