// NEON kernels for the 32-element formats (Q4_0, Q4_1, Q5_0, Q5_1, Q8_0) against q8_0 activations.
//
// A tile is 4 rows x RN tokens, one float lane per row. Per block the 4 rows are unpacked to int8 (elements
// 0-15 in `lo`, 16-31 in `hi`) and reused for every token of the tile; per token the integer dot products of
// the 4 rows (dot_block_rows4) make one vector of 4 exact block sums, so the float work per block is one
// multiply-add for all 4 rows: y += (dw * dx) * isum, row by row and block by block, as the scalar kernel
// does. The integer sums are exact, so every output has the scalar kernel's bits whatever its place in a tile,
// the row split or the batch; a tile that runs past the last row repeats that row and drops the copies.
//
// The 4- and 5-bit formats stay unsigned (u = w + offset, 0..31): sum (u - offset) x = sum u x - offset sum x,
// the second term from the activations' block sums. The "_1" formats add (m * dx) * sum(x) per block.
#include "kernels/common/isa.h"

#if SPARSE_LLM_BUILD_NEON

#include "kernels/matmul/neon/gemm_neon.h"

#include <cstddef>

#include "gguf/quant/blocks.h"

namespace kernels::neon {
namespace {

// Elements 0-15 of a block are the low nibbles of qs, 16-31 the high ones.
inline void nibbles(const uint8_t* qs, int8x16_t& lo, int8x16_t& hi) {
    const uint8x16_t raw = load16u(qs);
    lo = vreinterpretq_s8_u8(vandq_u8(raw, vdupq_n_u8(0x0F)));
    hi = vreinterpretq_s8_u8(vshrq_n_u8(raw, 4));
}

// Nibbles with bit j of qh (little-endian) as the fifth bit of element j: byte j / 8 of qh in lane j (tbl),
// shifted so that its bit j % 8 lands on bit 4 (ushl), which a bit-select then puts into the nibble.
inline void five_bits(const uint8_t* qs, const uint8_t* qh, int8x16_t& lo, int8x16_t& hi) {
    nibbles(qs, lo, hi);
    uint32_t bits;
    std::memcpy(&bits, qh, 4);
    const uint8x16_t bytes = vreinterpretq_u8_u32(vdupq_n_u32(bits));
    const uint8x16_t spread_lo = vcombine_u8(vdup_n_u8(0), vdup_n_u8(1));
    const uint8x16_t spread_hi = vcombine_u8(vdup_n_u8(2), vdup_n_u8(3));
    const int8x16_t to_bit4 = vreinterpretq_s8_u64(vdupq_n_u64(0xfdfeff0001020304ull));  // 4 - j % 8
    const uint8x16_t fifth = vdupq_n_u8(0x10);
    lo = vbslq_s8(fifth, vreinterpretq_s8_u8(vshlq_u8(vqtbl1q_u8(bytes, spread_lo), to_bit4)), lo);
    hi = vbslq_s8(fifth, vreinterpretq_s8_u8(vshlq_u8(vqtbl1q_u8(bytes, spread_hi), to_bit4)), hi);
}

// A format: its block, the bound of its integers (kMax), what they exceed the weights by (kOffset), and
// whether it has a minimum (the "_1" formats, whose d and m are loaded as one 32-bit field); each adds
// values(block, lo, hi), the block's integers.
template <typename BlockT, int Max, int Offset, bool HasMin>
struct Format {
    using Block = BlockT;
    static constexpr int kMax = Max, kOffset = Offset;
    static constexpr bool kHasMin = HasMin;
};

struct Q4_0 : Format<gguf::BlockQ4_0, 15, 8, false> {
    static void values(const Block& b, int8x16_t& lo, int8x16_t& hi) { nibbles(b.qs, lo, hi); }
};
struct Q4_1 : Format<gguf::BlockQ4_1, 15, 0, true> {
    static void values(const Block& b, int8x16_t& lo, int8x16_t& hi) { nibbles(b.qs, lo, hi); }
};
struct Q5_0 : Format<gguf::BlockQ5_0, 31, 16, false> {
    static void values(const Block& b, int8x16_t& lo, int8x16_t& hi) { five_bits(b.qs, b.qh, lo, hi); }
};
struct Q5_1 : Format<gguf::BlockQ5_1, 31, 0, true> {
    static void values(const Block& b, int8x16_t& lo, int8x16_t& hi) { five_bits(b.qs, b.qh, lo, hi); }
};
struct Q8_0 : Format<gguf::BlockQ8_0, 128, 0, false> {
    static void values(const Block& b, int8x16_t& lo, int8x16_t& hi) {
        lo = load16(b.qs);
        hi = load16(b.qs + 16);
    }
};

template <class F>
struct Q32Kernel {
    static constexpr int kTileRows = 4;
    static constexpr int64_t kPrefetchTiles = 4;
    using Block = typename F::Block;
    static_assert(offsetof(Block, d) == 0, "d leads every block");
    using Tile = RowTile<kTileRows>;
    // dw and mw of one block for the 4 rows of a tile, one lane each.
    struct Scales {
        float32x4_t d, m;
    };

    // The f16 d (and m, which follows it) of block b of the tile's 4 rows, gathered in general registers
    // (the A53's NEON pipe is the busy one) and converted by the hardware.
    static Scales block_scales(const Tile& tile, int64_t b) {
        auto field = [&](int i) { return reinterpret_cast<const uint8_t*>(&tile.block<Block>(i, b)); };
        if constexpr (F::kHasMin) {
            const uint64_t f01 = load_u32(field(0)) | uint64_t{load_u32(field(1))} << 32;
            const uint64_t f23 = load_u32(field(2)) | uint64_t{load_u32(field(3))} << 32;
            const uint32x4_t fields = vreinterpretq_u32_u64(vcombine_u64(vcreate_u64(f01), vcreate_u64(f23)));
            return {vcvt_f32_f16(vreinterpret_f16_u16(vmovn_u32(fields))),
                    vcvt_f32_f16(vreinterpret_f16_u16(vshrn_n_u32(fields, 16)))};
        } else {
            const uint64_t d = load_u16(field(0)) | uint64_t{load_u16(field(1))} << 16 |
                               uint64_t{load_u16(field(2))} << 32 | uint64_t{load_u16(field(3))} << 48;
            return {vcvt_f32_f16(vreinterpret_f16_u64(vcreate_u64(d))), vdupq_n_f32(0.0f)};
        }
    }

    // One block's integer sums for the 4 rows and one token, with what its float multiply-add needs.
    struct BlockSums {
        int32x4_t sums;
        float32x4_t dw_dx, mw_dx;
        float x_sum;
    };

    // y += (dw * dx) * isum [+ (mw * dx) * sum(x)], the scalar kernel's order.
    static float32x4_t add_block(float32x4_t acc, const BlockSums& s) {
        acc = vfmaq_f32(acc, s.dw_dx, vcvtq_f32_s32(s.sums));
        if constexpr (F::kHasMin) acc = vfmaq_f32(acc, s.mw_dx, vdupq_n_f32(s.x_sum));
        return acc;
    }

    // The tile's rows for tokens t..t+RN-1. Decode (kDecode) takes the block scales from the blocks and
    // fetches the tile kPrefetchTiles further on (rows are contiguous) meanwhile, spread evenly over the
    // blocks; prefill takes the scales from `cached` and reads the tile, by then in cache, once per strip.
    // Each block's float multiply-add is done during the next block's integer work: the in-order A53 would
    // otherwise wait out the chain of reduction, conversion and multiply-add.
    template <int RN, bool kDecode>
    static void pass(const GemmTask& task, const Tile& tile, int64_t t, const Scales* cached) {
        const ActivationView& x = *task.x;
        const int64_t n_blocks = x.cols / 32;
        QuantizedRow xs[RN];
        for (int j = 0; j < RN; ++j) xs[j] = x.quantized_row(t + j);
        const uint8_t* ahead = task.w + (tile.r + kPrefetchTiles * kTileRows) * task.row_bytes;
        auto block_sums = [&](int64_t b, BlockSums (&out)[RN]) {
            if constexpr (kDecode) prefetch_bytes<kTileRows * sizeof(Block)>(ahead + kTileRows * sizeof(Block) * b);
            int8x16_t lo[kTileRows], hi[kTileRows];
            for (int i = 0; i < kTileRows; ++i) F::values(tile.block<Block>(i, b), lo[i], hi[i]);
            const Scales w = kDecode ? block_scales(tile, b) : cached[b];
            for (int j = 0; j < RN; ++j) {
                const int8_t* xq = xs[j].qs + 32 * b;
                out[j].sums = dot_block_rows4<F::kMax>(lo, hi, load16(xq), load16(xq + 16));
                const int32_t x_sum = xs[j].bsums[b];
                if constexpr (F::kOffset != 0) out[j].sums = vsubq_s32(out[j].sums, vdupq_n_s32(F::kOffset * x_sum));
                out[j].dw_dx = vmulq_n_f32(w.d, xs[j].d[b]);
                if constexpr (F::kHasMin) out[j].mw_dx = vmulq_n_f32(w.m, xs[j].d[b]);
                out[j].x_sum = static_cast<float>(x_sum);
            }
        };
        float32x4_t acc[RN];
        for (auto& a : acc) a = vdupq_n_f32(0.0f);
        BlockSums pending[RN];
        block_sums(0, pending);
        for (int64_t b = 1; b < n_blocks; ++b) {
            if constexpr (kDecode) SPARSE_LLM_MCA_BEGIN("decode", 32 * kTileRows * RN);
            else SPARSE_LLM_MCA_BEGIN("prefill", 32 * kTileRows * RN);
            for (int j = 0; j < RN; ++j) acc[j] = add_block(acc[j], pending[j]);
            block_sums(b, pending);
            if constexpr (kDecode) SPARSE_LLM_MCA_END("decode", 32 * kTileRows * RN);
            else SPARSE_LLM_MCA_END("prefill", 32 * kTileRows * RN);
        }
        for (int j = 0; j < RN; ++j) {
            float sums[kTileRows];
            vst1q_f32(sums, add_block(acc[j], pending[j]));
            float* y = task.y + (t + j) * task.y_stride + tile.r;
            for (int i = 0; i < tile.n_rows; ++i) y[i] = sums[i];
        }
    }

    static void decode(const GemmTask& task, const Tile& tile) { pass<1, true>(task, tile, 0, nullptr); }
    template <int RN>
    static void strip(const GemmTask& task, const Tile& tile, int64_t t, const Scales* cached) {
        pass<RN, false>(task, tile, t, cached);
    }
};

}  // namespace

SPARSE_LLM_DEFINE_Q32_GEMMS(Q32Kernel)

}  // namespace kernels::neon

#endif  // SPARSE_LLM_BUILD_NEON
