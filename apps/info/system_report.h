// `sparse-llm info --system`: this machine as the kernels see it -- the CPU, the features the instruction sets
// need, the sets built, the set in use and why.
#pragma once

namespace info {

// Prints the report on stdout: text, or one JSON object. Throws kernels::IsaError when SPARSE_LLM_ISA is wrong.
void print_system_report(bool json);

}  // namespace info
