// kernels/common/isa.h: which instruction set runs, and how a set without a kernel falls back.
#include <catch2/catch.hpp>

#include <string>

#include "../running_isas.h"
#include "kernels/common/isa.h"

using kernels::Isa;

TEST_CASE("isa: the active set is the most capable one of the build (avx2 on x86-64, neon on aarch64)", "[isa]") {
    const Isa active = kernels::active_isa();
    INFO("active " << kernels::isa_name(active));
    CHECK(kernels::isa_runs_here(active));
    CHECK(test::running_isas().front() == Isa::Scalar);
    CHECK(test::running_isas().back() == active);
#if defined(SPARSE_LLM_NO_SIMD)
    CHECK(active == Isa::Scalar);
    CHECK_FALSE(kernels::isa_built(Isa::Avx2));
    CHECK_FALSE(kernels::isa_built(Isa::Neon));
#elif defined(__x86_64__) && defined(__AVX2__) && defined(__FMA__) && defined(__F16C__)
    CHECK(active == Isa::Avx2);
#elif defined(__aarch64__)
    CHECK(active == Isa::Neon);
#endif
    CHECK(kernels::active_isa() == active);
}

TEST_CASE("isa: names, and a missing entry falls back to scalar's", "[isa]") {
    CHECK(std::string(kernels::isa_name(Isa::Scalar)) == "scalar");
    CHECK(std::string(kernels::isa_name(Isa::Avx2)) == "avx2");
    CHECK(std::string(kernels::isa_name(Isa::Neon)) == "neon");
    CHECK(kernels::isa_built(Isa::Scalar));

    const char* const scalar = "scalar kernel";
    const char* const neon = "neon kernel";
    const kernels::PerIsa<const char*> entries = {scalar, nullptr, neon};
    CHECK(kernels::isa_serving(entries, Isa::Avx2) == Isa::Scalar);
    CHECK(kernels::entry_for(entries, Isa::Avx2) == scalar);
    CHECK(kernels::isa_serving(entries, Isa::Neon) == Isa::Neon);
    CHECK(kernels::entry_for(entries, Isa::Neon) == neon);
    CHECK(kernels::entry_for(entries, Isa::Scalar) == scalar);
}
