// kernels/common/isa.h: which instruction set runs (from the CPU's features, the build and SPARSE_LLM_ISA), and
// how a set without a kernel falls back.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <fstream>
#include <iterator>
#include <set>
#include <sstream>
#include <string>

#if defined(__aarch64__) && defined(__linux__)
#include <sys/auxv.h>
#endif

#include "../running_isas.h"
#include "kernels/common/isa.h"

using kernels::Isa;

namespace {

const kernels::CpuFeatures kA53 = kernels::kCpuAsimd;                              // Cortex-A53: ARMv8.0
const kernels::CpuFeatures kA76 = kernels::kCpuAsimd | kernels::kCpuAsimdDp | kernels::kCpuAsimdHp;  // Pi 5
const kernels::IsaSet kArmBuild = kernels::isa_bit(Isa::Scalar) | kernels::isa_bit(Isa::Neon) | kernels::isa_bit(Isa::Dotprod);
const kernels::CpuFeatures kHaswell = kernels::kCpuAvx2 | kernels::kCpuFma | kernels::kCpuF16c | kernels::kCpuOsYmm;
const kernels::CpuFeatures kAlderLake = kHaswell | kernels::kCpuAvxVnni;
const kernels::CpuFeatures kIceLake = kHaswell | kernels::kCpuAvx512f | kernels::kCpuAvx512bw | kernels::kCpuAvx512vl |
                                      kernels::kCpuAvx512Vnni | kernels::kCpuOsZmm;
const kernels::IsaSet kX86Build = kernels::isa_bit(Isa::Scalar) | kernels::isa_bit(Isa::Avx2) |
                                  kernels::isa_bit(Isa::AvxVnni) | kernels::isa_bit(Isa::Avx512);
const kernels::IsaSet kScalarBuild = kernels::isa_bit(Isa::Scalar);

Isa chosen(kernels::CpuFeatures cpu, kernels::IsaSet built, const char* requested = nullptr) {
    return kernels::choose_isa(cpu, built, requested).isa;
}

// The message of the IsaError choose_isa throws, "" when it does not.
std::string refusal(kernels::CpuFeatures cpu, kernels::IsaSet built, const char* requested) {
    try {
        kernels::choose_isa(cpu, built, requested);
    } catch (const kernels::IsaError& e) {
        return e.what();
    }
    return "";
}

#if defined(__x86_64__)
// The "flags" of the first CPU in /proc/cpuinfo: what the CPU has and the kernel lets programs use.
std::set<std::string> cpu_flags() {
    std::ifstream cpuinfo("/proc/cpuinfo");
    for (std::string line; std::getline(cpuinfo, line);) {
        if (line.rfind("flags", 0) != 0) continue;
        std::istringstream words(line.substr(line.find(':') + 1));
        return {std::istream_iterator<std::string>(words), std::istream_iterator<std::string>()};
    }
    return {};
}
#endif

// The most capable set for this machine, from the CPU as the test reads it itself (the kernel's view of it).
Isa expected_default() {
#if defined(SPARSE_LLM_NO_SIMD)
    return Isa::Scalar;
#elif defined(__x86_64__)
    const auto has = [flags = cpu_flags()](const char* flag) { return flags.count(flag) > 0; };
    if (!has("avx2") || !has("fma") || !has("f16c")) return Isa::Scalar;
    if (has("avx512f") && has("avx512bw") && has("avx512vl") && has("avx512_vnni")) return Isa::Avx512;
    return has("avx_vnni") ? Isa::AvxVnni : Isa::Avx2;
#elif defined(__aarch64__) && defined(__linux__)
    return (getauxval(AT_HWCAP) & (1ul << 20)) != 0 ? Isa::Dotprod : Isa::Neon;  // HWCAP_ASIMDDP
#else
    return Isa::Scalar;
#endif
}

}  // namespace

TEST_CASE("isa: the active set is SPARSE_LLM_ISA's, else the most capable one the build has and the CPU runs "
          "(avx2 on x86-64, dotprod on an A76, neon on an A53)", "[isa]") {
    const char* requested = std::getenv("SPARSE_LLM_ISA");
    const bool forced = requested != nullptr && *requested != '\0';
    const Isa active = kernels::active_isa();
    INFO("active " << kernels::isa_name(active) << (forced ? ", forced" : ""));
    CHECK(kernels::isa_choice().forced == forced);
    if (forced)
        CHECK(std::string(kernels::isa_name(active)) == requested);
    else
        CHECK(active == expected_default());
    CHECK(kernels::isa_runs_here(active));
    CHECK(test::running_isas().front() == Isa::Scalar);
    CHECK(test::running_isas().back() == active);
#if defined(SPARSE_LLM_NO_SIMD)
    CHECK(kernels::built_isas() == kScalarBuild);
#elif defined(__x86_64__)
    CHECK(kernels::built_isas() == kX86Build);
#elif defined(__aarch64__)
    CHECK(kernels::built_isas() == kArmBuild);
    CHECK((kernels::cpu_features() & kernels::kCpuAsimd) != 0);
#endif
    CHECK(kernels::active_isa() == active);
}

TEST_CASE("isa: names, requirements, and a missing entry falls back (dotprod -> neon -> scalar, avx2 -> scalar)",
          "[isa]") {
    CHECK(std::string(kernels::isa_name(Isa::Scalar)) == "scalar");
    CHECK(std::string(kernels::isa_name(Isa::Avx2)) == "avx2");
    CHECK(std::string(kernels::isa_name(Isa::Neon)) == "neon");
    CHECK(std::string(kernels::isa_name(Isa::Dotprod)) == "dotprod");
    CHECK(std::string(kernels::isa_name(Isa::AvxVnni)) == "avx-vnni");
    CHECK(std::string(kernels::isa_name(Isa::Avx512)) == "avx512");
    CHECK(kernels::isa_built(Isa::Scalar));
    CHECK(kernels::isa_requirements(Isa::Scalar) == 0);
    CHECK(kernels::isa_requirements(Isa::Dotprod) == (kernels::kCpuAsimd | kernels::kCpuAsimdDp));
    CHECK(std::string(kernels::cpu_feature_name(kernels::kCpuAsimdDp)) == "asimddp");
    CHECK(std::string(kernels::cpu_feature_name(kernels::kCpuOsYmm)) == "os_ymm");
    CHECK(kernels::isa_fallback(Isa::Dotprod) == Isa::Neon);
    CHECK(kernels::isa_fallback(Isa::Neon) == Isa::Scalar);
    CHECK(kernels::isa_fallback(Isa::Avx2) == Isa::Scalar);
    CHECK(kernels::isa_fallback(Isa::AvxVnni) == Isa::Avx2);
    CHECK(kernels::isa_fallback(Isa::Avx512) == Isa::Avx2);  // AVX-512 VNNI does not imply AVX-VNNI (Zen 4)

    const char* const scalar = "scalar kernel";
    const char* const neon = "neon kernel";
    const char* const dotprod = "dotprod kernel";
    const kernels::PerIsa<const char*> entries = {scalar, nullptr, neon, nullptr};
    CHECK(kernels::isa_serving(entries, Isa::Avx2) == Isa::Scalar);
    CHECK(kernels::entry_for(entries, Isa::Avx2) == scalar);
    CHECK(kernels::isa_serving(entries, Isa::Neon) == Isa::Neon);
    CHECK(kernels::isa_serving(entries, Isa::Dotprod) == Isa::Neon);
    CHECK(kernels::entry_for(entries, Isa::Dotprod) == neon);
    CHECK(kernels::entry_for(entries, Isa::Scalar) == scalar);
    const kernels::PerIsa<const char*> only_scalar_and_dotprod = {scalar, nullptr, nullptr, dotprod};
    CHECK(kernels::entry_for(only_scalar_and_dotprod, Isa::Dotprod) == dotprod);
    CHECK(kernels::entry_for(only_scalar_and_dotprod, Isa::Neon) == scalar);
}

TEST_CASE("isa: the enabled sets are the active one and its fallbacks", "[isa]") {
    for (Isa isa : kernels::kAllIsas) {
        bool in_chain = false;
        for (Isa s = kernels::active_isa();; s = kernels::isa_fallback(s)) {
            in_chain = in_chain || s == isa;
            if (s == Isa::Scalar) break;
        }
        INFO(kernels::isa_name(isa));
        CHECK(kernels::isa_enabled(isa) == in_chain);
        if (kernels::isa_enabled(isa)) CHECK(kernels::isa_runs_here(isa));
    }
}

TEST_CASE("isa: without SPARSE_LLM_ISA the choice is the most capable built set the CPU has the features of",
          "[isa]") {
    CHECK(chosen(kA76, kArmBuild) == Isa::Dotprod);
    CHECK(chosen(kA53, kArmBuild) == Isa::Neon);
    CHECK(chosen(0, kArmBuild) == Isa::Scalar);  // no asimd reported
    CHECK(chosen(kA76, kScalarBuild) == Isa::Scalar);
    CHECK(chosen(kA76, kScalarBuild | kernels::isa_bit(Isa::Neon)) == Isa::Neon);
    CHECK(chosen(kA76, kArmBuild, "") == Isa::Dotprod);  // empty counts as unset
    CHECK_FALSE(kernels::choose_isa(kA76, kArmBuild, nullptr).forced);

    CHECK(chosen(kHaswell, kX86Build) == Isa::Avx2);
    CHECK(chosen(kHaswell | kernels::kCpuAvx512f | kernels::kCpuOsZmm, kX86Build) == Isa::Avx2);
    CHECK(chosen(kHaswell & ~kernels::kCpuOsYmm, kX86Build) == Isa::Scalar);  // the OS does not save YMM
    CHECK(chosen(kHaswell & ~kernels::kCpuFma, kX86Build) == Isa::Scalar);
    CHECK(chosen(kHaswell & ~kernels::kCpuF16c, kX86Build) == Isa::Scalar);
    CHECK(chosen(kHaswell, kScalarBuild) == Isa::Scalar);
    CHECK(chosen(kAlderLake, kX86Build) == Isa::AvxVnni);
    CHECK(chosen(kIceLake, kX86Build) == Isa::Avx512);
    CHECK(chosen(kIceLake | kAlderLake, kX86Build) == Isa::Avx512);
    CHECK(chosen(kIceLake & ~kernels::kCpuOsZmm, kX86Build) == Isa::Avx2);  // the OS does not save ZMM and opmasks
    CHECK(chosen(kIceLake & ~kernels::kCpuAvx512Vnni, kX86Build) == Isa::Avx2);
}

TEST_CASE("isa: SPARSE_LLM_ISA forces any set the build has and the CPU runs", "[isa]") {
    for (const char* name : {"scalar", "neon", "dotprod"}) {
        const kernels::IsaChoice choice = kernels::choose_isa(kA76, kArmBuild, name);
        CHECK(std::string(kernels::isa_name(choice.isa)) == name);
        CHECK(choice.forced);
    }
    CHECK(chosen(kA53, kArmBuild, "neon") == Isa::Neon);
    CHECK(chosen(kA53, kArmBuild, "scalar") == Isa::Scalar);
    CHECK(chosen(kHaswell, kX86Build, "avx2") == Isa::Avx2);
    CHECK(chosen(kHaswell, kX86Build, "scalar") == Isa::Scalar);
    CHECK(chosen(kIceLake | kAlderLake, kX86Build, "avx-vnni") == Isa::AvxVnni);
    CHECK(chosen(kIceLake, kX86Build, "avx2") == Isa::Avx2);
    CHECK(chosen(0, kScalarBuild, "scalar") == Isa::Scalar);
}

TEST_CASE("isa: SPARSE_LLM_ISA naming no set, a set not built or one the CPU lacks is an error naming the value "
          "and the sets available", "[isa]") {
    CHECK(refusal(kA53, kArmBuild, "dotprod") ==
          "SPARSE_LLM_ISA=dotprod: this CPU lacks asimddp; available: scalar, neon");
    CHECK(refusal(kA76, kArmBuild, "avx2") ==
          "SPARSE_LLM_ISA=avx2: this program is built without it; available: scalar, neon, dotprod");
    CHECK(refusal(kA76, kArmBuild, "NEON") == "SPARSE_LLM_ISA=NEON: no such instruction set; available: scalar, "
                                              "neon, dotprod");
    CHECK(refusal(kA76, kArmBuild, "sve") == "SPARSE_LLM_ISA=sve: no such instruction set; available: scalar, neon, "
                                             "dotprod");
    CHECK(refusal(kHaswell, kX86Build, "neon") ==
          "SPARSE_LLM_ISA=neon: this program is built without it; available: scalar, avx2");
    CHECK(refusal(kHaswell & ~kernels::kCpuOsYmm, kX86Build, "avx2") ==
          "SPARSE_LLM_ISA=avx2: this CPU lacks os_ymm; available: scalar");
    CHECK(refusal(kernels::kCpuAvx2, kX86Build, "avx2") ==
          "SPARSE_LLM_ISA=avx2: this CPU lacks fma, f16c, os_ymm; available: scalar");
    CHECK(refusal(kAlderLake, kX86Build, "avx512") ==
          "SPARSE_LLM_ISA=avx512: this CPU lacks avx512f, avx512bw, avx512vl, avx512_vnni, os_zmm; available: scalar, "
          "avx2, avx-vnni");
    CHECK(refusal(kIceLake, kX86Build, "avx-vnni") ==
          "SPARSE_LLM_ISA=avx-vnni: this CPU lacks avx_vnni; available: scalar, avx2, avx512");
    CHECK(refusal(kHaswell, kScalarBuild, "avx2") ==
          "SPARSE_LLM_ISA=avx2: this program is built without it; available: scalar");
    CHECK(refusal(kA76, kArmBuild, "dotprod ") == "SPARSE_LLM_ISA=dotprod : no such instruction set; available: "
                                                  "scalar, neon, dotprod");
}
