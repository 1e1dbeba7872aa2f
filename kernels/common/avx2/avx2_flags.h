// Included first by every file of a kernels library's avx2/ folder, inside #if SPARSE_LLM_BUILD_AVX2: those
// files alone are compiled with -mavx2 -mfma -mf16c (kernels/CMakeLists.txt), under kernels/common/isa.h's
// rule for sets with flags of their own.
#pragma once

#if !defined(__AVX2__) || !defined(__FMA__) || !defined(__F16C__)
#error "kernels/<library>/avx2/ files need -mavx2 -mfma -mf16c: kernels/CMakeLists.txt gives them to them"
#endif

#include <immintrin.h>

#if defined(__AVX512F__) && defined(__GNUC__) && !defined(__clang__)
// GCC 12's AVX-512 intrinsics start some results from _mm512_undefined_*(), which its own flow analysis then
// reports as (maybe) uninitialized once inlined (GCC bug 105593).
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
