#include "kernels/common/isa.h"

namespace kernels {
namespace {

struct IsaInfo {
    const char* name;
    Isa fallback;
    bool built;
};

constexpr PerIsa<IsaInfo> kIsaInfo = {{
    {"scalar", Isa::Scalar, true},
    {"avx2", Isa::Scalar, SPARSE_LLM_BUILD_AVX2 == 1},
    {"neon", Isa::Scalar, SPARSE_LLM_BUILD_NEON == 1},
}};

const IsaInfo& info(Isa isa) { return kIsaInfo[static_cast<size_t>(isa)]; }

bool cpu_has(Isa isa) {
    switch (isa) {
        case Isa::Scalar: return true;
#if defined(__x86_64__)
        case Isa::Avx2:
            return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") && __builtin_cpu_supports("f16c");
#endif
#if defined(__aarch64__)
        case Isa::Neon: return true;  // Advanced SIMD is part of every aarch64 CPU
#endif
        default: return false;
    }
}

Isa most_capable_running_set() {
    Isa best = Isa::Scalar;
    for (Isa isa : kAllIsas)
        if (isa_runs_here(isa)) best = isa;
    return best;
}

}  // namespace

const char* isa_name(Isa isa) { return info(isa).name; }

bool isa_built(Isa isa) { return info(isa).built; }

bool isa_runs_here(Isa isa) { return isa_built(isa) && cpu_has(isa); }

Isa active_isa() {
    static const Isa active = most_capable_running_set();
    return active;
}

Isa isa_fallback(Isa isa) { return info(isa).fallback; }

}  // namespace kernels
