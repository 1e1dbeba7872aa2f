// AVX-512 kernels for the 32-element formats (Ice Lake, Zen 4 and later): avx2's, avx2/gemm_q32_set.inc,
// compiled with -mavx512f -mavx512bw -mavx512vl -mavx512vnni (kernels/CMakeLists.txt), so that their int8 dot
// products are AVX-512 VNNI's vpdpbusd on 256-bit registers -- for decode and short batches; prefills of 8
// tokens or more take the 16-row tiles of gemm_q32_wide.inc on 512-bit registers.
#include "kernels/common/isa.h"

#if SPARSE_LLM_BUILD_AVX512
#if !defined(__AVX512VNNI__) || !defined(__AVX512VL__) || !defined(__AVX512BW__)
#error "kernels/<library>/avx512/ files need -mavx512f -mavx512bw -mavx512vl -mavx512vnni: kernels/CMakeLists.txt gives them"
#endif
#define SPARSE_LLM_X86_SET avx512
#include "kernels/matmul/avx2/gemm_q32_set.inc"
#include "kernels/matmul/avx512/gemm_q32_wide.inc"

namespace kernels::avx512 {
SPARSE_LLM_DEFINE_Q32_GEMMS(wide_rows)
}
#endif
