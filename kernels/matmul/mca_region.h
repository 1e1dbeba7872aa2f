// Markers around a kernel's inner loop for llvm-mca (scripts/mca-kernels.sh): with -DSPARSE_LLM_MCA_MARKERS
// they put "# LLVM-MCA-BEGIN name@weights" / "# LLVM-MCA-END name@weights" comments into the compiler's
// assembly output, and llvm-mca reports the cycles of each marked region per pass. In every other build they
// are nothing.
//
// `weights` (a constant expression) is how many multiply-adds of a weight with an activation one pass of the
// region does (rows x columns x tokens): the script divides by it to give cycles per block and token. It tells
// the weight types apart by the function each region sits in. llvm-mca runs a region straight through, once
// per pass: a loop inside it counts as one trip.
#pragma once

#if defined(SPARSE_LLM_MCA_MARKERS)
#define SPARSE_LLM_MCA_BEGIN(name, weights) asm volatile("# LLVM-MCA-BEGIN " name "@%c0" ::"i"(weights))
#define SPARSE_LLM_MCA_END(name, weights) asm volatile("# LLVM-MCA-END " name "@%c0" ::"i"(weights))
#else
#define SPARSE_LLM_MCA_BEGIN(name, weights) ((void)0)
#define SPARSE_LLM_MCA_END(name, weights) ((void)0)
#endif
