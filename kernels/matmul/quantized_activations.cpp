#include "kernels/matmul/quantized_activations.h"

#include "kernels/matmul/matmul_error.h"

namespace kernels {
namespace {

struct ActivationQuantizers {
    ActivationType type;
    PerIsa<QuantizeActivationsFn> quantize_row;  // per instruction set (isa.h): nullptr where the set has none
};

constexpr ActivationQuantizers kQuantizers[] = {
    {ActivationType::Q8_0,
     {scalar::quantize_row_q8_0, SPARSE_LLM_IF_AVX2(avx2::quantize_row_q8_0), SPARSE_LLM_IF_NEON(neon::quantize_row_q8_0)}},
    {ActivationType::Q8_K,
     {scalar::quantize_row_q8_K, SPARSE_LLM_IF_AVX2(avx2::quantize_row_q8_K), SPARSE_LLM_IF_NEON(neon::quantize_row_q8_K)}},
};

constexpr size_t kAlign = 32;
inline size_t align_up(size_t n) { return (n + kAlign - 1) / kAlign * kAlign; }

int block_of(ActivationType type) { return type == ActivationType::Q8_K ? kQ8_KBlock : kQ8_0Block; }

}  // namespace

QuantizeActivationsFn activation_quantizer(ActivationType type, Isa isa) {
    for (const ActivationQuantizers& q : kQuantizers)
        if (q.type == type) return entry_for(q.quantize_row, isa);
    return nullptr;
}

QuantizedActivations::QuantizedActivations(ActivationType type)
    : type_(type), quantize_row_(activation_quantizer(type, active_isa())) {}

void QuantizedActivations::reserve(int64_t n_tokens, int64_t cols) {
    const int block = block_of(type_);
    if (n_tokens <= 0 || cols <= 0 || cols % block != 0) return;
    const size_t n = static_cast<size_t>(n_tokens) * static_cast<size_t>(cols);
    const size_t bytes = align_up(n) + align_up(n / block * sizeof(float)) +
                         align_up(n / kQ8_KGroup * sizeof(int16_t)) + kAlign;
    if (storage_.size() < bytes) storage_.resize(bytes);
}

void QuantizedActivations::layout(int64_t n_tokens, int64_t cols) {
    const int block = block_of(type_);
    if (n_tokens < 0 || cols < 0 || cols % block != 0)
        throw MatmulError("activations: width is not a whole number of blocks");
    reserve(n_tokens, cols);
    const size_t n = static_cast<size_t>(n_tokens) * static_cast<size_t>(cols);
    auto address = reinterpret_cast<uintptr_t>(storage_.data());
    uint8_t* base = storage_.data() + (align_up(address) - address);
    view_.type = type_;
    view_.n_tokens = n_tokens;
    view_.cols = cols;
    qs_ = reinterpret_cast<int8_t*>(base);
    d_ = reinterpret_cast<float*>(base + align_up(n));
    bsums_ = reinterpret_cast<int16_t*>(base + align_up(n) + align_up(n / block * sizeof(float)));
    view_.qs = qs_;
    view_.d = d_;
    view_.bsums = bsums_;
}

void QuantizedActivations::quantize_token(const float* x, int64_t t) {
    const int64_t cols = view_.cols;
    const int64_t blocks = cols / block_of(type_);
    const int64_t sums = type_ == ActivationType::Q8_K ? cols / kQ8_KGroup : blocks;
    quantize_row_(x + t * cols, qs_ + t * cols, d_ + t * blocks, bsums_ + t * sums, cols);
}

}  // namespace kernels
