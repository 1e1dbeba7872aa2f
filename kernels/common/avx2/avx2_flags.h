// Included first by every file of a kernels library's avx2/ folder, inside #if SPARSE_LLM_BUILD_AVX2: those
// files alone are compiled with -mavx2 -mfma -mf16c (kernels/CMakeLists.txt), under kernels/common/isa.h's
// rule for sets with flags of their own.
#pragma once

#if !defined(__AVX2__) || !defined(__FMA__) || !defined(__F16C__)
#error "kernels/<library>/avx2/ files need -mavx2 -mfma -mf16c: kernels/CMakeLists.txt gives them to them"
#endif

#include <immintrin.h>
