#include "kernels/matmul/avx2/gemm_avx2.h"
#include "kernels/matmul/gemm_kernels.h"

namespace kernels {

GemmRowsFn gemm_rows_avx2([[maybe_unused]] gguf::GgmlType type) {
#if defined(KERNELS_AVX2)
    if (GemmRowsFn f = avx2::rows_float(type)) return f;
    if (GemmRowsFn f = avx2::rows_q32(type)) return f;
    return avx2::rows_kquant(type);
#else
    return nullptr;
#endif
}

}  // namespace kernels
