// The instruction sets the kernels are written for, and the one that runs.
//
// One mechanism for every library with per-ISA kernels (kernels/common's vector math, kernels/attention's row
// kernels, kernels/matmul's gemm kernels and activation quantizers): each set's kernels sit in a folder of the
// library named after it (scalar/, avx2/, neon/), behind the same signatures; the library lists them in tables
// with one entry per set (PerIsa, nullptr where a set has none or the build lacks it) and calls through the
// entry of active_isa(), chosen once. A set without a kernel runs its fallback set's, down to scalar, which has
// them all. Tests ask for each set by name and compare it with scalar.
//
// Adding a set: an Isa value with its line in isa.cpp and its macros below, a folder of kernels per library,
// and its entry in the tables of the kernels it has.
#pragma once

#include <array>
#include <cstddef>

// The SIMD sets this build compiles (1) or not (0): AVX2+FMA+F16C on x86-64, NEON on aarch64, none with
// -DSPARSE_LLM_SIMD=OFF (SPARSE_LLM_NO_SIMD), for every library alike. A set's source files compile to nothing
// without it; SPARSE_LLM_IF_<SET>(kernel) is the kernel for a table entry, or nullptr. They follow the compiler
// flags, which every file shares; a set compiled with flags of its own will need them from the build instead.
#if !defined(SPARSE_LLM_NO_SIMD) && defined(__AVX2__) && defined(__FMA__) && defined(__F16C__)
#define SPARSE_LLM_BUILD_AVX2 1
#define SPARSE_LLM_IF_AVX2(kernel) kernel
#else
#define SPARSE_LLM_BUILD_AVX2 0
#define SPARSE_LLM_IF_AVX2(kernel) nullptr
#endif
#if !defined(SPARSE_LLM_NO_SIMD) && defined(__aarch64__) && defined(__ARM_NEON)
#define SPARSE_LLM_BUILD_NEON 1
#define SPARSE_LLM_IF_NEON(kernel) kernel
#else
#define SPARSE_LLM_BUILD_NEON 0
#define SPARSE_LLM_IF_NEON(kernel) nullptr
#endif

namespace kernels {

// Within an architecture, a later set is the more capable one.
enum class Isa { Scalar, Avx2, Neon };
constexpr size_t kIsaCount = 3;
constexpr std::array<Isa, kIsaCount> kAllIsas = {Isa::Scalar, Isa::Avx2, Isa::Neon};

const char* isa_name(Isa isa);  // "scalar", "avx2", "neon"
// Its kernels are compiled into this build.
bool isa_built(Isa isa);
// Built, and this CPU has its instructions.
bool isa_runs_here(Isa isa);
// The most capable set that runs here; chosen at the first call, the same for every library.
Isa active_isa();
// The set whose kernels `isa` runs where it has none of its own (scalar for scalar).
Isa isa_fallback(Isa isa);

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
#define SPARSE_LLM_DEFINE_ISA_TABLES(Table, accessor, name)                                      \
    const Table& accessor(Isa isa) {                                                             \
        static constexpr PerIsa<const Table*> kTables = {                                        \
            &scalar::name, SPARSE_LLM_IF_AVX2(&avx2::name), SPARSE_LLM_IF_NEON(&neon::name)};    \
        return *entry_for(kTables, isa);                                                         \
    }
