// The instruction sets (kernels/common/isa.h) this process may run -- built, run by this CPU, and not above
// the cap SPARSE_LLM_ISA sets (in Isa's order, so that avx-vnni runs beside avx512, which does not fall back
// on it) -- scalar first: the sets a kernel test checks, each against the scalar reference.
#pragma once

#include <vector>

#include "kernels/common/isa.h"

namespace test {

inline std::vector<kernels::Isa> running_isas() {
    std::vector<kernels::Isa> sets;
    for (kernels::Isa isa : kernels::kAllIsas)
        if (kernels::isa_runs_here(isa) && isa <= kernels::active_isa()) sets.push_back(isa);
    return sets;
}

}  // namespace test
