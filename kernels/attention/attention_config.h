// SparseAttentionConfig: which candidates each query attends to (spec §2), plus the deployment fields of the
// Pi Zero 2W preset (ADR-191, spec §2.2 [DESIGN]).
#pragma once

#include <cstddef>
#include <vector>

namespace kernels {

// Which prefill path a runtime should take for this config.
enum class AttentionBackend { Sparse, FlashSparse, Dense };
// Storage type a runtime should give its KV cache (math is always f32).
enum class KvDtype { F32, F16 };
// Which keys a query attends to in SparseAttention::attend_cached: the candidate rules (Sparse), every slot up
// to its position (Dense), or the candidates filtered by a keep mask over slots (Gated).
enum class AttentionPath { Sparse, Dense, Gated };

struct SparseAttentionConfig {
    // --- the crate's fields and defaults (spec §2.1) ---
    size_t window = 128;                   // local window half-width W (0 = self only)
    size_t block_size = 64;                // landmark block size B; must be > 0
    std::vector<size_t> global_tokens{0};  // always-attended positions; out-of-range ones are ignored
    bool causal = true;
    bool use_log_stride = true;   // token and block log-stride candidates
    bool use_landmarks = true;    // block-mean landmark candidates
    bool sort_candidates = false; // sort candidate lists ascending before the softmax

    // --- deployment fields (not in crate 0.1.1; read by runtimes and by the flash default) ---
    size_t tile = 0;  // flash tile; 0 = max(window, 1)
    AttentionBackend backend = AttentionBackend::Sparse;
    KvDtype kv_dtype = KvDtype::F32;
    unsigned threads = 1;  // threads across heads when the SparseAttention owns its pool
    // Landmarks are always refreshed incrementally on append (ADR-191 "DecodeOnly"); there is no other mode.

    // ADR-191 preset with the deployed cognitum profile's block 32 and sorted candidates (a deliberate,
    // recorded deviation from the ADR's `..default()`): window 64, block 32, globals {0}, causal, log-stride,
    // landmarks, sort on, tile 16, FlashSparse prefill, F16 KV cache, 1 thread.
    static SparseAttentionConfig pi_zero_2w();

    // Throws InvalidConfig for a zero block size.
    void validate() const;
};

}  // namespace kernels
