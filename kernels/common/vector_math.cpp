#include "kernels/common/vector_math.h"

namespace kernels {
SPARSE_LLM_DEFINE_ISA_TABLES(VectorMath, vector_math, kVectorMath)
}  // namespace kernels
