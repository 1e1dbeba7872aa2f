#include "kernels/common/isa.h"

#include <cstdlib>
#include <cstring>
#include <string>

#if defined(__x86_64__)
#include <cpuid.h>
#elif defined(__aarch64__) && defined(__linux__)
#include <sys/auxv.h>
#endif

namespace kernels {
namespace {

struct IsaInfo {
    const char* name;
    Isa fallback;
    bool built;
    CpuFeatures needs;
};

// One line per set, in the order of Isa.
constexpr PerIsa<IsaInfo> kIsaInfo = {{
    {"scalar", Isa::Scalar, true, 0},
    {"avx2", Isa::Scalar, SPARSE_LLM_BUILD_AVX2 == 1, kCpuAvx2 | kCpuFma | kCpuF16c | kCpuOsYmm},
    {"neon", Isa::Scalar, SPARSE_LLM_BUILD_NEON == 1, kCpuAsimd},
    {"dotprod", Isa::Neon, SPARSE_LLM_BUILD_DOTPROD == 1, kCpuAsimd | kCpuAsimdDp},
    {"avx-vnni", Isa::Avx2, SPARSE_LLM_BUILD_AVX_VNNI == 1, kCpuAvx2 | kCpuFma | kCpuF16c | kCpuOsYmm | kCpuAvxVnni},
    {"avx512", Isa::Avx2, SPARSE_LLM_BUILD_AVX512 == 1,
     kCpuAvx2 | kCpuFma | kCpuF16c | kCpuOsYmm | kCpuAvx512f | kCpuAvx512bw | kCpuAvx512vl | kCpuAvx512Vnni | kCpuOsZmm},
}};

const IsaInfo& info(Isa isa) { return kIsaInfo[static_cast<size_t>(isa)]; }

struct FeatureName {
    CpuFeature feature;
    const char* name;
    bool x86;
};

constexpr FeatureName kFeatureNames[] = {
    {kCpuAsimd, "asimd", false},          {kCpuAsimdDp, "asimddp", false},       {kCpuAsimdHp, "asimdhp", false},
    {kCpuI8mm, "i8mm", false},            {kCpuSve, "sve", false},               {kCpuAvx2, "avx2", true},
    {kCpuFma, "fma", true},               {kCpuF16c, "f16c", true},              {kCpuOsYmm, "os_ymm", true},
    {kCpuAvx512f, "avx512f", true},       {kCpuAvx512bw, "avx512bw", true},      {kCpuAvx512vl, "avx512vl", true},
    {kCpuAvx512Vnni, "avx512_vnni", true}, {kCpuAvxVnni, "avx_vnni", true},      {kCpuOsZmm, "os_zmm", true},
};

#if defined(__x86_64__)
// XCR0: the register state the OS saves on a context switch; 0 without OSXSAVE.
uint64_t saved_register_state() {
    unsigned eax = 0, ebx = 0, ecx = 0, edx = 0;
    if (!__get_cpuid(1, &eax, &ebx, &ecx, &edx) || (ecx & bit_OSXSAVE) == 0) return 0;
    uint32_t low = 0, high = 0;
    __asm__ volatile("xgetbv" : "=a"(low), "=d"(high) : "c"(0));
    return (uint64_t{high} << 32) | low;
}

// Bit `bit` of cpuid leaf `leaf`, subleaf `sub`, register `reg` (0-3: eax, ebx, ecx, edx): for the features
// clang's __builtin_cpu_supports does not name (f16c, avxvnni in clang 14).
bool cpuid_bit(unsigned leaf, unsigned sub, int reg, int bit) {
    unsigned r[4] = {0, 0, 0, 0};
    if (!__get_cpuid_count(leaf, sub, &r[0], &r[1], &r[2], &r[3])) return false;
    return (r[reg] >> bit) & 1u;
}

CpuFeatures detect_cpu_features() {
    __builtin_cpu_init();
    CpuFeatures f = 0;
    if (__builtin_cpu_supports("avx2")) f |= kCpuAvx2;
    if (__builtin_cpu_supports("fma")) f |= kCpuFma;
    if (cpuid_bit(1, 0, 2, 29)) f |= kCpuF16c;
    if (__builtin_cpu_supports("avx512f")) f |= kCpuAvx512f;
    if (__builtin_cpu_supports("avx512bw")) f |= kCpuAvx512bw;
    if (__builtin_cpu_supports("avx512vl")) f |= kCpuAvx512vl;
    if (__builtin_cpu_supports("avx512vnni")) f |= kCpuAvx512Vnni;
    if (cpuid_bit(7, 1, 0, 4)) f |= kCpuAvxVnni;
    const uint64_t xcr0 = saved_register_state();
    if ((xcr0 & 0x06) == 0x06) f |= kCpuOsYmm;  // SSE and AVX state
    if ((xcr0 & 0xe6) == 0xe6) f |= kCpuOsZmm;  // and opmask, ZMM0-15 upper halves, ZMM16-31
    return f;
}
#elif defined(__aarch64__) && defined(__linux__)
// The kernel's hwcap bits (arch/arm64/include/uapi/asm/hwcap.h), for C libraries that predate them.
constexpr unsigned long kHwcapAsimd = 1ul << 1, kHwcapAsimdHp = 1ul << 10, kHwcapAsimdDp = 1ul << 20,
                        kHwcapSve = 1ul << 22, kHwcap2I8mm = 1ul << 13;

CpuFeatures detect_cpu_features() {
    const unsigned long hwcap = getauxval(AT_HWCAP), hwcap2 = getauxval(AT_HWCAP2);
    CpuFeatures f = 0;
    if (hwcap & kHwcapAsimd) f |= kCpuAsimd;
    if (hwcap & kHwcapAsimdDp) f |= kCpuAsimdDp;
    if (hwcap & kHwcapAsimdHp) f |= kCpuAsimdHp;
    if (hwcap & kHwcapSve) f |= kCpuSve;
    if (hwcap2 & kHwcap2I8mm) f |= kCpuI8mm;
    return f;
}
#else
CpuFeatures detect_cpu_features() { return 0; }
#endif

// "a, b, c": the names of the features in `features`.
std::string feature_names(CpuFeatures features) {
    std::string names;
    for (const FeatureName& f : kFeatureNames)
        if (features & f.feature) names += (names.empty() ? "" : ", ") + std::string(f.name);
    return names;
}

// "scalar, neon": the sets in `sets`, least capable first.
std::string set_names(IsaSet sets) {
    std::string names;
    for (Isa isa : kAllIsas)
        if (sets & isa_bit(isa)) names += (names.empty() ? "" : ", ") + std::string(isa_name(isa));
    return names;
}

bool has_all(CpuFeatures cpu, CpuFeatures needed) { return (cpu & needed) == needed; }

}  // namespace

CpuFeatures cpu_features() {
    static const CpuFeatures features = detect_cpu_features();
    return features;
}

std::vector<CpuFeature> reported_cpu_features() {
    constexpr bool kX86 =
#if defined(__x86_64__)
        true;
#else
        false;
#endif
    std::vector<CpuFeature> features;
    for (const FeatureName& f : kFeatureNames)
        if (f.x86 == kX86) features.push_back(f.feature);
    return features;
}

const char* cpu_feature_name(CpuFeature feature) {
    for (const FeatureName& f : kFeatureNames)
        if (f.feature == feature) return f.name;
    return "?";
}

const char* isa_name(Isa isa) { return info(isa).name; }

CpuFeatures isa_requirements(Isa isa) { return info(isa).needs; }

IsaSet built_isas() {
    IsaSet sets = 0;
    for (Isa isa : kAllIsas)
        if (info(isa).built) sets |= isa_bit(isa);
    return sets;
}

bool isa_built(Isa isa) { return info(isa).built; }

bool isa_runs_here(Isa isa) { return isa_built(isa) && has_all(cpu_features(), isa_requirements(isa)); }

Isa isa_fallback(Isa isa) { return info(isa).fallback; }

IsaChoice choose_isa(CpuFeatures cpu, IsaSet built, const char* requested) {
    IsaSet available = 0;
    Isa best = Isa::Scalar;
    for (Isa isa : kAllIsas)
        if ((built & isa_bit(isa)) && has_all(cpu, isa_requirements(isa))) {
            available |= isa_bit(isa);
            best = isa;
        }
    available |= isa_bit(Isa::Scalar);
    if (requested == nullptr || *requested == '\0') return {best, false};

    const std::string prefix = "SPARSE_LLM_ISA=" + std::string(requested) + ": ";
    const std::string sets = "; available: " + set_names(available);
    for (Isa isa : kAllIsas) {
        if (std::strcmp(requested, isa_name(isa)) != 0) continue;
        if (available & isa_bit(isa)) return {isa, true};
        if (!(built & isa_bit(isa))) throw IsaError(prefix + "this program is built without it" + sets);
        throw IsaError(prefix + "this CPU lacks " + feature_names(isa_requirements(isa) & ~cpu) + sets);
    }
    throw IsaError(prefix + "no such instruction set" + sets);
}

IsaChoice isa_choice() {
    static const IsaChoice choice = choose_isa(cpu_features(), built_isas(), std::getenv("SPARSE_LLM_ISA"));
    return choice;
}

Isa active_isa() { return isa_choice().isa; }

bool isa_enabled(Isa isa) {
    for (Isa enabled = active_isa();; enabled = isa_fallback(enabled)) {
        if (enabled == isa) return true;
        if (enabled == Isa::Scalar) return false;
    }
}

}  // namespace kernels
