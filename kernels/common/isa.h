// The instruction sets the kernels are written for, and the one that runs.
//
// One mechanism for every library with per-ISA kernels (kernels/common's vector math, kernels/attention's row
// kernels, kernels/matmul's gemm kernels and activation quantizers): each set's kernels sit in a folder of the
// library named after it (scalar/, avx2/, avx_vnni/, avx512/, neon/, dotprod/), behind the same signatures; the library lists them
// in tables with one entry per set (PerIsa, nullptr where a set has none or the build lacks it) and calls
// through the entry of active_isa(), chosen once. A set without a kernel runs its fallback set's (dotprod ->
// neon -> scalar, avx512 -> avx2, avx-vnni -> avx2 -> scalar), down to scalar, which has them all. Tests ask for each set by name and
// compare it with scalar.
//
// The choice, at run time: the most capable set the build has and the CPU runs (AT_HWCAP on aarch64: asimd
// for neon, asimddp for dotprod; cpuid and the OS's XCR0 register state on x86: avx2, fma, f16c and saved YMM
// registers for avx2, and avx_vnni for avx-vnni; avx512f, bw, vl, avx512_vnni and saved ZMM and opmask
// registers for avx512). SPARSE_LLM_ISA=<set> in the environment forces a lower one (scalar|neon|dotprod on
// aarch64, scalar|avx2|avx-vnni|avx512 on x86); an unknown name, or a set the build lacks or the CPU cannot run, is an
// IsaError naming the value and the sets available. choose_isa() is that choice as a pure function.
//
// Sets with compiler flags of their own (dotprod: -march=armv8.2-a+dotprod, while everything else is built
// for ARMv8.0; avx2: -mavx2 -mfma -mf16c, avx-vnni: and -mavxvnni, avx512: and -mavx512f -mavx512bw -mavx512vl
// -mavx512vnni, while everything else is built for x86-64, SSE2). Their files are
// kernels/<library>/<set>/*.cpp; kernels/CMakeLists.txt gives them the flags.
// The hazard: an inline function or template instantiation with external linkage (from any shared header,
// the standard library's included) that such a file emits is a COMDAT copy, and the linker may keep that copy
// for the whole program, so code compiled for ARMv8.2 (sdot, LSE atomics, ...) would run on an A53 that has
// none of it, or AVX2 code on an x86 CPU without it. The rule: **everything a set-with-flags file defines with
// external linkage is in its set's namespace (kernels::dotprod, kernels::avx2, ...)**: the table entries' kernels,
// and helpers in anonymous namespaces. It may include shared headers (this one, gemm_kernels.h,
// gguf/quant/blocks.h) for their types, but calls no inline function or template of theirs or the standard
// library's (no std::min, no std::fma, no ActivationView::qs_row, no gguf::fp16_to_fp32); the intrinsics of
// arm_neon.h and immintrin.h are static or always inlined, so they are safe, and so is a header's static
// function. Code a set
// shares with another is a .inc file that each set's file includes inside its own namespace's anonymous one,
// so that each compiles its own copy (kernels/matmul/arm/: the neon and dotprod gemm kernels; kernels/matmul/avx2/
// gemm_q32_set.inc: the avx2, avx-vnni and avx512 ones). The build
// checks the rule: every object of a <set>/ folder may define only global symbols of kernels::<set> (nm,
// whatever the optimisation level), and the library's link-check program may hold the set's instructions
// (dotprod or ARMv8.1+; VEX-encoded or ymm) only inside kernels::<set> functions (objdump); see
// kernels/check_isa_code.sh.
//
// Adding a set (e.g. SVE): an Isa value with its line in isa.cpp (name, fallback, built, the CPU
// features it needs) and its macros below, a folder of kernels per library, and its table entries.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <vector>

// The SIMD sets this build compiles (1) or not (0): avx2, avx-vnni, avx512 on x86-64, neon, dotprod on aarch64, none
// with -DSPARSE_LLM_SIMD=OFF (SPARSE_LLM_NO_SIMD), for every library alike. A set's source files compile to
// nothing without it; SPARSE_LLM_IF_<SET>(kernel) is the kernel for a table entry, or nullptr. Every SIMD
// build has the sets with flags of their own (all but neon): their files get the flags from the build and stop
// with an #error without them.
#if !defined(SPARSE_LLM_NO_SIMD) && defined(__x86_64__)
#define SPARSE_LLM_BUILD_AVX2 1
#define SPARSE_LLM_IF_AVX2(kernel) kernel
#define SPARSE_LLM_BUILD_AVX_VNNI 1
#define SPARSE_LLM_IF_AVX_VNNI(kernel) kernel
#define SPARSE_LLM_BUILD_AVX512 1
#define SPARSE_LLM_IF_AVX512(kernel) kernel
#else
#define SPARSE_LLM_BUILD_AVX2 0
#define SPARSE_LLM_IF_AVX2(kernel) nullptr
#define SPARSE_LLM_BUILD_AVX_VNNI 0
#define SPARSE_LLM_IF_AVX_VNNI(kernel) nullptr
#define SPARSE_LLM_BUILD_AVX512 0
#define SPARSE_LLM_IF_AVX512(kernel) nullptr
#endif
#if !defined(SPARSE_LLM_NO_SIMD) && defined(__aarch64__) && defined(__ARM_NEON)
#define SPARSE_LLM_BUILD_NEON 1
#define SPARSE_LLM_IF_NEON(kernel) kernel
#define SPARSE_LLM_BUILD_DOTPROD 1
#define SPARSE_LLM_IF_DOTPROD(kernel) kernel
#else
#define SPARSE_LLM_BUILD_NEON 0
#define SPARSE_LLM_IF_NEON(kernel) nullptr
#define SPARSE_LLM_BUILD_DOTPROD 0
#define SPARSE_LLM_IF_DOTPROD(kernel) nullptr
#endif

namespace kernels {

// Within an architecture, a later set is the more capable one (x86's later sets come last, so that the tables
// keep their order).
enum class Isa { Scalar, Avx2, Neon, Dotprod, AvxVnni, Avx512 };
constexpr size_t kIsaCount = 6;
constexpr std::array<Isa, kIsaCount> kAllIsas = {Isa::Scalar, Isa::Avx2,    Isa::Neon,
                                                 Isa::Dotprod, Isa::AvxVnni, Isa::Avx512};

// Sets as bits: 1 << Isa.
using IsaSet = uint32_t;
constexpr IsaSet isa_bit(Isa isa) { return IsaSet{1} << static_cast<unsigned>(isa); }

// What a CPU offers that the sets need (or that later sets will): one bit per feature, named as Linux's
// /proc/cpuinfo names them. The os_* bits say the OS saves those registers (XCR0), without which the
// instructions fault.
enum CpuFeature : uint32_t {
    kCpuAsimd = 1u << 0,        // aarch64 Advanced SIMD (HWCAP_ASIMD)
    kCpuAsimdDp = 1u << 1,      // aarch64 sdot/udot (HWCAP_ASIMDDP, ARMv8.2+ optional, v8.4 mandatory)
    kCpuAsimdHp = 1u << 2,      // aarch64 fp16 arithmetic (HWCAP_ASIMDHP)
    kCpuI8mm = 1u << 3,         // aarch64 int8 matrix multiply (HWCAP2_I8MM)
    kCpuSve = 1u << 4,          // aarch64 SVE (HWCAP_SVE)
    kCpuAvx2 = 1u << 8,         // x86
    kCpuFma = 1u << 9,
    kCpuF16c = 1u << 10,
    kCpuOsYmm = 1u << 11,       // XCR0 bits 1-2
    kCpuAvx512f = 1u << 12,
    kCpuAvx512bw = 1u << 13,
    kCpuAvx512vl = 1u << 14,
    kCpuAvx512Vnni = 1u << 15,
    kCpuAvxVnni = 1u << 16,
    kCpuOsZmm = 1u << 17,       // XCR0 bits 1-2 and 5-7
};
using CpuFeatures = uint32_t;

// This CPU's features (getauxval on aarch64 Linux, cpuid and xgetbv on x86-64; none elsewhere).
CpuFeatures cpu_features();
// The features of this architecture that cpu_features() can report, in a fixed order, and their names.
std::vector<CpuFeature> reported_cpu_features();
const char* cpu_feature_name(CpuFeature feature);

const char* isa_name(Isa isa);  // "scalar", "avx2", "neon", "dotprod", "avx-vnni", "avx512"
// The CPU features a set's instructions need.
CpuFeatures isa_requirements(Isa isa);
// The sets compiled into this build.
IsaSet built_isas();
// Its kernels are compiled into this build.
bool isa_built(Isa isa);
// Built, and this CPU has its instructions.
bool isa_runs_here(Isa isa);
// The set whose kernels `isa` runs where it has none of its own (scalar for scalar).
Isa isa_fallback(Isa isa);

// SPARSE_LLM_ISA names no set, or one the build lacks or this CPU cannot run.
class IsaError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

struct IsaChoice {
    Isa isa;
    bool forced;  // named by SPARSE_LLM_ISA; otherwise the most capable set that runs here
};

// The set for a CPU with features `cpu` and a build with the sets `built`: the one `requested` names (the
// value of SPARSE_LLM_ISA; nullptr or "" for none), else the most capable built set whose features the CPU
// has. Throws IsaError ("SPARSE_LLM_ISA=<value>: <why>; available: <sets>") when `requested` is not a set's
// name, not built, or needs a feature the CPU lacks.
IsaChoice choose_isa(CpuFeatures cpu, IsaSet built, const char* requested);

// This process's choice: choose_isa(cpu_features(), built_isas(), getenv("SPARSE_LLM_ISA")), made at the first
// call and kept. Throws IsaError when SPARSE_LLM_ISA is wrong (at every call, so every kernel entry point
// reports it); a program calls it at start to report that once, before anything runs.
IsaChoice isa_choice();
// isa_choice().isa: the set every library's kernels run.
Isa active_isa();
// The active set or one of its fallbacks: the sets this process may run (SPARSE_LLM_ISA lowers the cap).
bool isa_enabled(Isa isa);

// One entry per set, indexed by Isa: a kernel, or a table of kernels; nullptr where the set has none.
template <typename Entry>
using PerIsa = std::array<Entry, kIsaCount>;

// The set whose entry `isa` uses: its own, else its fallback's, down to scalar.
template <typename Entry>
Isa isa_serving(const PerIsa<Entry>& entries, Isa isa) {
    while (isa != Isa::Scalar && entries[static_cast<size_t>(isa)] == nullptr) isa = isa_fallback(isa);
    return isa;
}

template <typename Entry>
Entry entry_for(const PerIsa<Entry>& entries, Isa isa) {
    return entries[static_cast<size_t>(isa_serving(entries, isa))];
}

}  // namespace kernels

// For a library whose kernels form one table per set (`Table`, a struct of function pointers), inside namespace
// kernels: declares the table `name` that each set defines in its namespace kernels::<set>; `accessor(isa)`,
// the table a set runs (its fallback's where it has none); and `accessor()`, the active set's, looked up once.
// (No such library has a dotprod, avx-vnni or avx512 table: their kernels have no int8 dot products; those
// sets run neon's or avx2's.)
#define SPARSE_LLM_DECLARE_ISA_TABLES(Table, accessor, name)  \
    namespace scalar {                                          \
    extern const Table name;                                    \
    }                                                           \
    namespace avx2 {                                            \
    extern const Table name;                                    \
    }                                                           \
    namespace neon {                                            \
    extern const Table name;                                    \
    }                                                           \
    const Table& accessor(Isa isa);                             \
    inline const Table& accessor() {                            \
        static const Table& active = accessor(active_isa());    \
        return active;                                          \
    }

// Defines `accessor(isa)` in the library's own .cpp file, so that one translation unit decides which sets the
// build has.
#define SPARSE_LLM_DEFINE_ISA_TABLES(Table, accessor, name)                                                   \
    const Table& accessor(Isa isa) {                                                                          \
        static constexpr PerIsa<const Table*> kTables = {                                                     \
            &scalar::name, SPARSE_LLM_IF_AVX2(&avx2::name), SPARSE_LLM_IF_NEON(&neon::name), nullptr};        \
        return *entry_for(kTables, isa);                                                                      \
    }
