// The peak resident memory of `sparse-llm run` on a file at a context of N tokens, for a run that fills the
// context (a long prompt in batches of 512, then decoding) with the run's defaults: sparse attention, window
// 128, landmark blocks of 64, fp16 KV cache. The parts:
//
//   weights    the whole file, mapped read-only (weights are used quantized, never copied)
//   KV cache   fp16 keys and values: 2 * 2 bytes * layers * kv_heads * head_dim * N
//   KV tables  per layer and slot the f32 attention mass; per block of 64 slots the f32 mean key and value
//              of every kv head and a count (runtime::KvStore::bytes_for, less the rows)
//   scratch    a prompt batch of min(512, N) tokens: the forward pass's f32 activations and their 8-bit
//              copies (runtime::Transformer::scratch_bytes); the attention kernel's candidate lists and
//              per-head mass of that batch; the logits and the sampler's candidates (16 bytes per token of
//              the vocabulary)
//   tables     the parsed metadata and the tokenizer's tables on the heap: measured, by building them
//   program    code, libraries and the C++ runtime: this process's resident memory before it read the file,
//              plus the part of the program's own file (code, read-only data) not yet in memory, which a run
//              reads nearly all of
//
// The caches and the scratch are paged (kernels/attention/paged_array.h): a run holds them only as it fills
// them, so this is the figure for a full context; a short run needs less.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "apps/info/model_info.h"

namespace gguf {
class File;
}

namespace info {

// What the process holds besides the file, measured: its memory before it reads the file, and the heap the
// file's metadata and tokenizer take.
struct ProcessMemory {
    uint64_t program = 0;
    uint64_t tables = 0;
};

// Notes the process's resident memory and heap now (before the file is opened); measure() then builds the
// file's tokenizer and measures the heap that and the file opened since hold.
class ProcessMeter {
public:
    ProcessMeter();
    ProcessMemory measure(const gguf::File& file) const;

private:
    uint64_t rss_ = 0;
    uint64_t heap_ = 0;
};

// The estimate, part by part in the order above; `info` prints each part's label (text) or key (JSON).
struct MemoryEstimate {
    struct Part {
        const char* key;    // weights_mmapped, kv_cache_f16, kv_tables, scratch, tables, program
        const char* label;
        uint64_t bytes;
    };
    uint64_t context = 0;
    std::vector<Part> parts;
    uint64_t total() const;
};

// Nothing for files without tensors (vocab-only files) or without the hyper-parameters it needs; throws
// info::Error when a hyper-parameter is beyond 2^31 (the runtime's own limit) or the figures do not fit in
// 64 bits.
std::optional<MemoryEstimate> estimate_memory(const ModelInfo& info, uint64_t file_size, uint64_t context,
                                              const ProcessMemory& process);

}  // namespace info
