#include "apps/info/memory_estimate.h"

#include <malloc.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <limits>
#include <sstream>
#include <string>

#include "apps/info/info_error.h"
#include "gguf/gguf_file.h"
#include "src/kv_store.h"
#include "src/run_config.h"
#include "src/system_info.h"
#include "src/transformer.h"
#include "tokenizer/tokenizer.h"

namespace info {
#if defined(SPARSE_LLM_ASAN)
// The sanitizer runtime's count (sanitizer/allocator_interface.h, which GCC does not ship).
extern "C" size_t __sanitizer_get_current_allocated_bytes();
#endif

namespace {

constexpr uint64_t kMaxHyperParameter = uint64_t{1} << 31;  // runtime::ModelConfig's limit for every count
constexpr uint64_t kSamplerBytesPerToken = 16;  // the logits (f32), the sampler's candidate (id, logit), its counts

[[noreturn]] void overflow() {
    throw Error("the memory estimate overflows 64 bits: hyper-parameters or context too large");
}

// Folds the values with an overflow-reporting builtin (__builtin_mul_overflow, __builtin_add_overflow).
template <typename Op>
uint64_t checked_fold(std::initializer_list<uint64_t> values, uint64_t start, Op overflows) {
    uint64_t result = start;
    for (const uint64_t v : values)
        if (overflows(result, v, &result)) overflow();
    return result;
}

uint64_t checked_product(std::initializer_list<uint64_t> factors) {
    return checked_fold(factors, 1, [](uint64_t a, uint64_t b, uint64_t* r) { return __builtin_mul_overflow(a, b, r); });
}

uint64_t checked_sum(std::initializer_list<uint64_t> terms) {
    return checked_fold(terms, 0, [](uint64_t a, uint64_t b, uint64_t* r) { return __builtin_add_overflow(a, b, r); });
}

// The runtime's saturating figures: UINT64_MAX means they did not fit.
uint64_t fitting(uint64_t bytes) {
    if (bytes == std::numeric_limits<uint64_t>::max()) overflow();
    return bytes;
}

// Bytes of heap in use (glibc's count, exact and deterministic; the sanitizer's when its allocator replaces
// glibc's); elsewhere the resident memory, which also counts the pages of the file the parsing touched.
uint64_t heap_in_use() {
#if defined(SPARSE_LLM_ASAN)
    return __sanitizer_get_current_allocated_bytes();
#elif defined(__GLIBC__) && (__GLIBC__ > 2 || __GLIBC_MINOR__ >= 33)
    const struct mallinfo2 m = ::mallinfo2();
    return m.uordblks + m.hblkhd;
#else
    return runtime::current_rss_bytes();
#endif
}

// The hyper-parameters as the runtime holds them; each at most 2^31, so no product of two overflows int64.
runtime::ModelConfig model_config(const HyperParameters& h, uint64_t n_vocab) {
    for (const uint64_t v : {*h.n_layers, *h.n_embd, *h.n_ff, *h.n_head, *h.n_head_kv, *h.head_dim, *h.rope_dims, n_vocab})
        if (v > kMaxHyperParameter) overflow();
    runtime::ModelConfig c;
    c.n_layer = static_cast<int64_t>(*h.n_layers);
    c.n_embd = static_cast<int64_t>(*h.n_embd);
    c.n_ff = static_cast<int64_t>(*h.n_ff);
    c.n_head = static_cast<int64_t>(*h.n_head);
    c.n_head_kv = static_cast<int64_t>(*h.n_head_kv);
    c.head_dim = static_cast<int64_t>(*h.head_dim);
    c.rope_dim = static_cast<int64_t>(*h.rope_dims);
    c.n_vocab = static_cast<int64_t>(n_vocab);
    return c;
}

// The attention kernel's lists for a prompt batch (kernels/attention/attention_core.h, Workspace): per query
// its window, the global token and the log-stride lookback beyond the window, each a 4-byte id and a 4-byte
// mass per query head. The first batch's first window + 1 rows attend densely, every earlier token, in a
// chunk of their own before the rest; a second batch has all rows sparse. The chunks reuse the lists, which
// grow by doubling, but only what is written takes memory: the longest chunk's.
uint64_t attention_workspace(const runtime::ModelConfig& c, const runtime::RunConfig& run, uint64_t batch,
                             uint64_t context) {
    const uint64_t window = run.sparse.window;
    uint64_t lookback = 0;
    for (uint64_t s = 1; s < context && s <= (uint64_t{1} << 62); s *= 2) lookback += s > window;
    const uint64_t per_query = std::min(context, checked_sum({window, 2, lookback}));
    const uint64_t dense = std::min(batch, checked_sum({window, 1}));
    const uint64_t sparse = context > batch ? batch : batch - dense;
    const uint64_t candidates = std::max(dense * (dense + 1) / 2, checked_product({sparse, per_query}));
    return checked_product({candidates, 4, static_cast<uint64_t>(c.n_head) + 1});
}

// Bytes of this program's own file mappings (code, read-only data) not yet in memory: a run executes nearly
// all of its code (measured: 96 % of it resident), this process before reading the file only part of it.
// 0 when /proc/self/smaps cannot be read.
uint64_t unread_program_bytes() {
    std::error_code error;
    const std::string exe = std::filesystem::read_symlink("/proc/self/exe", error).string();
    std::ifstream smaps("/proc/self/smaps");
    if (error || exe.empty() || !smaps) return 0;
    uint64_t unread = 0, size = 0;
    bool own = false;
    for (std::string line; std::getline(smaps, line);) {
        std::istringstream fields(line);
        std::string key, path;
        uint64_t kib = 0;
        fields >> key;
        if (key.back() != ':') {  // a mapping: range perms offset dev inode [path]
            for (int i = 0; i < 4; ++i) fields >> path;
            path.clear();
            fields >> path;
            own = path == exe;
        } else if (own && key == "Size:" && fields >> kib) {
            size = kib;
        } else if (own && key == "Rss:" && fields >> kib && kib < size) {
            unread += (size - kib) * 1024;
        }
    }
    return unread;
}

}  // namespace

ProcessMeter::ProcessMeter()
    : rss_(runtime::current_rss_bytes() + unread_program_bytes()), heap_(heap_in_use()) {}

ProcessMemory ProcessMeter::measure(const gguf::File& file) const {
    std::optional<tokenizer::Tokenizer> tokenizer;
    try {
        tokenizer.emplace(tokenizer::Tokenizer::from_gguf(file));
    } catch (const std::exception&) {  // no usable tokenizer: a run would fail; the metadata still counts
    }
    const uint64_t heap = heap_in_use();
    return {rss_, heap > heap_ ? heap - heap_ : 0};
}

std::optional<MemoryEstimate> estimate_memory(const ModelInfo& info, uint64_t file_size, uint64_t context,
                                              const ProcessMemory& process) {
    const HyperParameters& h = info.hparams;
    if (info.tensor_bytes == 0 || !h.n_layers || !h.n_embd || !h.n_ff || !h.n_head || !h.n_head_kv || !h.head_dim ||
        !h.rope_dims || info.n_vocab == 0)
        return std::nullopt;
    const runtime::ModelConfig model = model_config(h, info.n_vocab);
    const runtime::RunConfig run;  // the run's defaults: sparse, fp16 KV, window 128, blocks of 64, batches of 512
    const uint64_t batch = std::min(context, static_cast<uint64_t>(run.n_batch));
    const uint64_t kv_cache = checked_product({2, 2, *h.n_layers, *h.n_head_kv, *h.head_dim, context});
    const uint64_t kv_tables = fitting(runtime::KvStore::bytes_for(model, run, context)) - kv_cache;
    const uint64_t scratch =
        checked_sum({fitting(runtime::Transformer::scratch_bytes(model, static_cast<int64_t>(batch))),
                     attention_workspace(model, run, batch, context),
                     checked_product({kSamplerBytesPerToken, info.n_vocab})});
    MemoryEstimate m;
    m.context = context;
    m.parts = {{"weights_mmapped", "weights, the file mmapped", file_size},
               {"kv_cache_f16", "KV cache, fp16 rows", kv_cache},
               {"kv_tables", "KV tables: landmarks, attention mass", kv_tables},
               {"scratch", "scratch: a batch of 512, logits", scratch},
               {"tables", "metadata and tokenizer (measured)", process.tables},
               {"program", "program: code, libraries (measured)", process.program}};
    uint64_t sum = 0;  // total() must not wrap
    for (const MemoryEstimate::Part& part : m.parts) sum = checked_sum({sum, part.bytes});
    return m;
}

uint64_t MemoryEstimate::total() const {
    uint64_t sum = 0;
    for (const Part& part : parts) sum += part.bytes;
    return sum;
}

}  // namespace info
