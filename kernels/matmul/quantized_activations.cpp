#include "kernels/matmul/quantized_activations.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <stdexcept>

#include "gguf/quant/fp16.h"

#if defined(__AVX2__)
#include <immintrin.h>
#endif

namespace kernels {
namespace {

// The scale a q8_0 block stores: f16, as the file format has it.
inline float q8_0_scale(float amax) { return gguf::fp16_to_fp32(gguf::fp32_to_fp16(amax / 127.0f)); }

inline float q8_0_inverse_scale(float amax) {
    const float d = amax / 127.0f;
    return d != 0.0f ? 1.0f / d : 0.0f;
}

#if defined(__AVX2__)
// roundf on 8 lanes: halves away from zero (v - trunc(v) is exact, so the test on it is too).
inline __m256 round_half_away(__m256 v) {
    const __m256 sign_bit = _mm256_set1_ps(-0.0f);
    const __m256 truncated = _mm256_round_ps(v, _MM_FROUND_TO_ZERO | _MM_FROUND_NO_EXC);
    const __m256 fraction = _mm256_andnot_ps(sign_bit, _mm256_sub_ps(v, truncated));
    const __m256 away = _mm256_or_ps(_mm256_and_ps(v, sign_bit), _mm256_set1_ps(1.0f));
    const __m256 carry = _mm256_and_ps(_mm256_cmp_ps(fraction, _mm256_set1_ps(0.5f), _CMP_GE_OQ), away);
    return _mm256_add_ps(truncated, carry);
}

// max(a, b) lane by lane where a NaN in `a` is passed over, as std::max(b, a) in the scalar versions.
inline __m256 ignoring_nan_max(__m256 a, __m256 b) { return _mm256_max_ps(a, b); }

inline float hmax(__m256 v) {
    __m128 m = _mm_max_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    m = _mm_max_ps(m, _mm_movehl_ps(m, m));
    m = _mm_max_ss(m, _mm_movehdup_ps(m));
    return _mm_cvtss_f32(m);
}

inline __m256i pack_i32_to_i8(const __m256i q[4]) {
    // The packs interleave 128-bit lanes: 0-3 8-11 16-19 24-27 | 4-7 12-15 20-23 28-31; the permute undoes it.
    const __m256i packed = _mm256_packs_epi16(_mm256_packs_epi32(q[0], q[1]), _mm256_packs_epi32(q[2], q[3]));
    return _mm256_permutevar8x32_epi32(packed, _mm256_setr_epi32(0, 4, 1, 5, 2, 6, 3, 7));
}

inline int32_t hsum_i32(__m256i v) {
    __m128i s = _mm_add_epi32(_mm256_castsi256_si128(v), _mm256_extracti128_si256(v, 1));
    s = _mm_add_epi32(s, _mm_shuffle_epi32(s, _MM_SHUFFLE(1, 0, 3, 2)));
    s = _mm_add_epi32(s, _mm_shuffle_epi32(s, _MM_SHUFFLE(2, 3, 0, 1)));
    return _mm_cvtsi128_si32(s);
}

void quantize_row_q8_0_avx2(const float* x, int8_t* qs, float* d, int16_t* bsums, int64_t n) {
    const __m256 abs_mask = _mm256_castsi256_ps(_mm256_set1_epi32(0x7fffffff));
    for (int64_t b = 0; b < n / kQ8_0Block; ++b, x += kQ8_0Block, qs += kQ8_0Block) {
        __m256 v[4];
        for (int i = 0; i < 4; ++i) v[i] = _mm256_loadu_ps(x + 8 * i);
        __m256 amax = _mm256_setzero_ps();
        for (const __m256& lane : v) amax = ignoring_nan_max(_mm256_and_ps(lane, abs_mask), amax);
        const float block_max = hmax(amax);
        d[b] = q8_0_scale(block_max);
        const __m256 inverse = _mm256_set1_ps(q8_0_inverse_scale(block_max));
        __m256i q[4];
        for (int i = 0; i < 4; ++i) q[i] = _mm256_cvtps_epi32(round_half_away(_mm256_mul_ps(v[i], inverse)));
        _mm256_storeu_si256(reinterpret_cast<__m256i*>(qs), pack_i32_to_i8(q));
        const __m256i sum = _mm256_add_epi32(_mm256_add_epi32(q[0], q[1]), _mm256_add_epi32(q[2], q[3]));
        bsums[b] = static_cast<int16_t>(hsum_i32(sum));
    }
}

void quantize_row_q8_K_avx2(const float* x, int8_t* qs, float* d, int16_t* bsums, int64_t n) {
    const __m256 abs_mask = _mm256_castsi256_ps(_mm256_set1_epi32(0x7fffffff));
    for (int64_t b = 0; b < n / kQ8_KBlock; ++b, x += kQ8_KBlock, qs += kQ8_KBlock, bsums += kQ8_KBlock / kQ8_KGroup) {
        __m256 amax_lanes = _mm256_setzero_ps();
        for (int j = 0; j < kQ8_KBlock; j += 8)
            amax_lanes = ignoring_nan_max(_mm256_and_ps(_mm256_loadu_ps(x + j), abs_mask), amax_lanes);
        const float amax = hmax(amax_lanes);
        if (amax == 0.0f) {
            d[b] = 0.0f;
            std::memset(qs, 0, kQ8_KBlock);
            std::memset(bsums, 0, sizeof(int16_t) * (kQ8_KBlock / kQ8_KGroup));
            continue;
        }
        int first = 0;  // the scalar version's choice: the first element of largest magnitude
        while (first + 1 < kQ8_KBlock && std::fabs(x[first]) != amax) ++first;
        const float iscale = -127.0f / x[first];
        const __m256 scale = _mm256_set1_ps(iscale);
        for (int j = 0; j < kQ8_KBlock; j += 32) {
            __m256i q[4];
            for (int i = 0; i < 4; ++i) {
                const __m256 scaled = _mm256_mul_ps(_mm256_loadu_ps(x + j + 8 * i), scale);
                q[i] = _mm256_min_epi32(_mm256_cvtps_epi32(_mm256_round_ps(scaled, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC)),
                                        _mm256_set1_epi32(127));
            }
            _mm256_storeu_si256(reinterpret_cast<__m256i*>(qs + j), pack_i32_to_i8(q));
            bsums[j / kQ8_KGroup] = static_cast<int16_t>(hsum_i32(_mm256_add_epi32(q[0], q[1])));
            bsums[j / kQ8_KGroup + 1] = static_cast<int16_t>(hsum_i32(_mm256_add_epi32(q[2], q[3])));
        }
        d[b] = 1.0f / iscale;
    }
}
#endif

constexpr size_t kAlign = 32;
inline size_t align_up(size_t n) { return (n + kAlign - 1) / kAlign * kAlign; }

int block_of(ActivationType type) { return type == ActivationType::Q8_K ? kQ8_KBlock : kQ8_0Block; }

}  // namespace

void quantize_row_q8_0_scalar(const float* x, int8_t* qs, float* d, int16_t* bsums, int64_t n) {
    for (int64_t b = 0; b < n / kQ8_0Block; ++b, x += kQ8_0Block, qs += kQ8_0Block) {
        float amax = 0.0f;
        for (int j = 0; j < kQ8_0Block; ++j) amax = std::max(amax, std::fabs(x[j]));
        d[b] = q8_0_scale(amax);
        const float inverse = q8_0_inverse_scale(amax);
        int sum = 0;
        for (int j = 0; j < kQ8_0Block; ++j) {
            qs[j] = static_cast<int8_t>(std::roundf(x[j] * inverse));
            sum += qs[j];
        }
        bsums[b] = static_cast<int16_t>(sum);
    }
}

void quantize_row_q8_K_scalar(const float* x, int8_t* qs, float* d, int16_t* bsums, int64_t n) {
    for (int64_t b = 0; b < n / kQ8_KBlock; ++b, x += kQ8_KBlock, qs += kQ8_KBlock) {
        float amax = 0.0f, max = 0.0f;
        for (int j = 0; j < kQ8_KBlock; ++j) {
            if (std::fabs(x[j]) > amax) {
                amax = std::fabs(x[j]);
                max = x[j];
            }
        }
        int16_t* block_sums = bsums + b * (kQ8_KBlock / kQ8_KGroup);
        if (amax == 0.0f) {
            d[b] = 0.0f;
            std::memset(qs, 0, kQ8_KBlock);
            std::memset(block_sums, 0, sizeof(int16_t) * (kQ8_KBlock / kQ8_KGroup));
            continue;
        }
        const float iscale = -127.0f / max;
        for (int j = 0; j < kQ8_KBlock; ++j)
            qs[j] = static_cast<int8_t>(std::min(127, static_cast<int>(std::nearbyint(iscale * x[j]))));
        for (int g = 0; g < kQ8_KBlock / kQ8_KGroup; ++g) {
            int sum = 0;
            for (int j = 0; j < kQ8_KGroup; ++j) sum += qs[g * kQ8_KGroup + j];
            block_sums[g] = static_cast<int16_t>(sum);
        }
        d[b] = 1.0f / iscale;
    }
}

void quantize_row_q8_0(const float* x, int8_t* qs, float* d, int16_t* bsums, int64_t n) {
#if defined(__AVX2__)
    quantize_row_q8_0_avx2(x, qs, d, bsums, n);
#else
    quantize_row_q8_0_scalar(x, qs, d, bsums, n);
#endif
}

void quantize_row_q8_K(const float* x, int8_t* qs, float* d, int16_t* bsums, int64_t n) {
#if defined(__AVX2__)
    quantize_row_q8_K_avx2(x, qs, d, bsums, n);
#else
    quantize_row_q8_K_scalar(x, qs, d, bsums, n);
#endif
}

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
        throw std::invalid_argument("activations: width is not a whole number of blocks");
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
    if (type_ == ActivationType::Q8_K)
        quantize_row_q8_K(x + t * cols, qs_ + t * cols, d_ + t * blocks, bsums_ + t * (cols / kQ8_KGroup), cols);
    else
        quantize_row_q8_0(x + t * cols, qs_ + t * cols, d_ + t * blocks, bsums_ + t * blocks, cols);
}

}  // namespace kernels
