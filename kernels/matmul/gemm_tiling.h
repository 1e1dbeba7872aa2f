// The row x token tiling of the SIMD gemm kernels (gemm_tiling.inc) in namespace kernels, for avx2/. The
// aarch64 sets include gemm_tiling.inc inside their own namespaces instead (arm/gemm_arm.inc), as dotprod, a set
// with flags of its own, must (kernels/common/isa.h).
#pragma once

#include <cstddef>
#include <cstdint>

#include "kernels/matmul/gemm_kernels.h"

namespace kernels {
#include "kernels/matmul/gemm_tiling.inc"
}  // namespace kernels
