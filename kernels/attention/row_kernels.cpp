#include "kernels/attention/row_kernels.h"

namespace kernels {
SPARSE_LLM_DEFINE_ISA_TABLES(AttentionRowKernels, attention_row_kernels, kRowKernels)
}  // namespace kernels
