// AVX-VNNI kernels for the 32-element formats (Alder Lake, Zen 5 and later): avx2's, avx2/gemm_q32_set.inc,
// compiled with -mavxvnni (kernels/CMakeLists.txt), so that their int8 dot products are vpdpbusd.
#include "kernels/common/isa.h"

#if SPARSE_LLM_BUILD_AVX_VNNI
#if !defined(__AVXVNNI__)
#error "kernels/<library>/avx_vnni/ files need -mavxvnni: kernels/CMakeLists.txt gives it to them"
#endif
#define SPARSE_LLM_X86_SET avx_vnni
#include "kernels/matmul/avx2/gemm_q32_set.inc"

namespace kernels::avx_vnni {
SPARSE_LLM_DEFINE_Q32_GEMMS(narrow_rows)
}
#endif
