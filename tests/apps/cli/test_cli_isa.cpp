// The kernels' instruction set as a user meets it: SPARSE_LLM_ISA checked at program start, and
// `info --system` naming the CPU, its features, the sets built and the one in use.
#include <catch2/catch.hpp>

#include <algorithm>
#include <string>
#include <vector>

#include "kernels/common/isa.h"
#include "support/cli_runner.h"
#include "support/json_reader.h"
#include "support/shared_data.h"

namespace {

using kernels::Isa;

// "scalar, avx2": the sets this build has and this CPU runs, as the error names them.
std::string available_sets() {
    std::string names;
    for (Isa isa : kernels::kAllIsas)
        if (kernels::isa_runs_here(isa)) names += (names.empty() ? "" : ", ") + std::string(kernels::isa_name(isa));
    return names;
}

// Runs the CLI with SPARSE_LLM_ISA=value and checks it stopped with one error line that names the value, the
// reason and the available sets, before doing anything else.
void check_refused(const std::string& value, const std::vector<std::string>& args, const std::string& reason) {
    const test::CliResult r = test::run_cli_with_env({"SPARSE_LLM_ISA=" + value}, args);
    INFO("SPARSE_LLM_ISA=" << value << ": " << r.err);
    CHECK(r.exit_code == 1);
    CHECK(r.out.empty());
    CHECK(r.err == "error: SPARSE_LLM_ISA=" + value + ": " + reason + "; available: " + available_sets() + "\n");
}

}  // namespace

TEST_CASE("main: SPARSE_LLM_ISA naming no set, a set not built or one the CPU lacks stops every command with one "
          "line naming it and the sets available", "[cli][isa]") {
    const std::vector<std::vector<std::string>> commands = {
        {"info", "--system"}, {"info", "no-such-model.gguf"}, {"bench", "matvec", "--types", "q8_0", "-r", "1"},
        {"run", "no-such-model.gguf", "-n", "1"}, {"--help"}};
    for (const auto& args : commands) {
        check_refused("avx9000", args, "no such instruction set");
        check_refused("Scalar", args, "no such instruction set");  // names are lower case
    }
    for (Isa isa : kernels::kAllIsas) {
        if (!kernels::isa_built(isa)) check_refused(kernels::isa_name(isa), {"info", "--system"}, "this program is built without it");
        // dotprod on an A53 (qemu-aarch64 -cpu cortex-a53), avx2 on an x86 without it
        if (kernels::isa_built(isa) && !kernels::isa_runs_here(isa)) {
            const kernels::CpuFeatures missing = kernels::isa_requirements(isa) & ~kernels::cpu_features();
            std::string names;
            for (kernels::CpuFeature f : kernels::reported_cpu_features())
                if (missing & f) names += (names.empty() ? "" : ", ") + std::string(kernels::cpu_feature_name(f));
            check_refused(kernels::isa_name(isa), {"info", "--system"}, "this CPU lacks " + names);
        }
    }
}

TEST_CASE("info --system: the CPU, its features, the sets built and the set in use, and why", "[cli][info][isa]") {
    const kernels::IsaChoice here = kernels::isa_choice();  // the child inherits this process's environment
    const test::CliResult r = test::run_cli({"info", "--system"});
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    CHECK(r.err.empty());
    CHECK_THAT(r.out, Catch::StartsWith("cpu: ") && Catch::Contains("logical CPUs") &&
                          Catch::Contains("instruction sets this CPU runs: " + available_sets() + "\n"));
    const std::string why = here.forced ? std::string("forced by SPARSE_LLM_ISA=") + kernels::isa_name(here.isa)
                                        : "the most capable set built that this CPU runs; SPARSE_LLM_ISA unset";
    CHECK_THAT(r.out, Catch::EndsWith(std::string("in use: ") + kernels::isa_name(here.isa) + " (" + why + ")\n"));
#if defined(__x86_64__)
    CHECK_THAT(r.out, Catch::Contains("(x86_64)"));
    if (kernels::isa_built(Isa::Avx2))
        CHECK_THAT(r.out, Catch::Contains("instruction sets built: scalar, avx2, avx-vnni, avx512\n"));
#elif defined(__aarch64__)
    CHECK_THAT(r.out, Catch::Contains("(aarch64)") && Catch::Contains("asimd"));
#endif

    const test::CliResult forced = test::run_cli_with_env({"SPARSE_LLM_ISA=scalar"}, {"info", "--system"});
    REQUIRE(forced.exit_code == 0);
    CHECK_THAT(forced.out, Catch::EndsWith("in use: scalar (forced by SPARSE_LLM_ISA=scalar)\n"));
    const test::CliResult unset = test::run_cli_with_env({"SPARSE_LLM_ISA="}, {"info", "--system"});
    REQUIRE(unset.exit_code == 0);  // empty is unset
    CHECK_THAT(unset.out, Catch::Contains("SPARSE_LLM_ISA unset"));
}

TEST_CASE("info --system --json: the same as one object", "[cli][info][isa]") {
    const test::CliResult r = test::run_cli({"info", "--system", "--json"});
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    const test::json::Value info = test::json::parse(r.out);
    CHECK_FALSE(info["cpu"].as_string().empty());
    CHECK(info["logical_cpus"].as_uint() >= 1);
    CHECK(info["isa"].as_string() == kernels::isa_name(kernels::active_isa()));
    CHECK(info["isa_forced"].as_bool() == kernels::isa_choice().forced);
    const std::vector<kernels::CpuFeature> features = kernels::reported_cpu_features();
    CHECK(info["features"].size() == features.size());
    for (kernels::CpuFeature f : features)
        CHECK(info["features"][kernels::cpu_feature_name(f)].as_bool() == ((kernels::cpu_features() & f) != 0));
    std::vector<std::string> built;
    for (size_t i = 0; i < info["isa_built"].size(); ++i) built.push_back(info["isa_built"][i].as_string());
    CHECK(built.front() == "scalar");
    for (Isa isa : kernels::kAllIsas)
        CHECK((std::find(built.begin(), built.end(), kernels::isa_name(isa)) != built.end()) == kernels::isa_built(isa));
}

TEST_CASE("info: --system takes no model or tensor, and without it the model is required", "[cli][info][isa]") {
    test::check_usage_error({"info"}, "model is required");
    test::check_usage_error({"info", "model.gguf", "--system"}, "excludes");
    test::check_usage_error({"info", "--system", "--tensor", "output.weight"}, "excludes");
}
