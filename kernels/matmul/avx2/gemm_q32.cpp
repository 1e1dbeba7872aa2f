// AVX2 kernels for the 32-element formats: gemm_q32_set.inc, in kernels::avx2.
#include "kernels/common/isa.h"

#if SPARSE_LLM_BUILD_AVX2
#define SPARSE_LLM_X86_SET avx2
#include "kernels/matmul/avx2/gemm_q32_set.inc"

namespace kernels::avx2 {
SPARSE_LLM_DEFINE_Q32_GEMMS(narrow_rows)
}
#endif
