#include "apps/info/system_report.h"

#include <string>
#include <thread>
#include <vector>

#include <fmt/format.h>

#include "apps/report/json_writer.h"
#include "kernels/common/isa.h"
#include "src/system_info.h"

namespace info {
namespace {

std::vector<std::string> set_names(bool (*member)(kernels::Isa)) {
    std::vector<std::string> names;
    for (kernels::Isa isa : kernels::kAllIsas)
        if (member(isa)) names.emplace_back(kernels::isa_name(isa));
    return names;
}

std::string reason(const kernels::IsaChoice& choice) {
    return choice.forced ? fmt::format("forced by SPARSE_LLM_ISA={}", kernels::isa_name(choice.isa))
                         : "the most capable set built that this CPU runs; SPARSE_LLM_ISA unset";
}

}  // namespace

void print_system_report(bool json) {
    const kernels::IsaChoice choice = kernels::isa_choice();
    const kernels::CpuFeatures cpu = kernels::cpu_features();
    const std::string model = runtime::cpu_model(), arch = runtime::machine_architecture();
    const unsigned logical = std::thread::hardware_concurrency(), physical = runtime::physical_cores();
    if (json) {
        report::JsonWriter out;
        out.begin_object().key("cpu").value(model).key("architecture").value(arch);
        out.key("logical_cpus").value(logical).key("physical_cores").value(physical);
        out.key("features").begin_object();
        for (kernels::CpuFeature f : kernels::reported_cpu_features())
            out.key(kernels::cpu_feature_name(f)).value((cpu & f) != 0);
        out.end_object().key("isa_built").begin_array();
        for (const std::string& name : set_names(kernels::isa_built)) out.value(name);
        out.end_array().key("isa_runs_here").begin_array();
        for (const std::string& name : set_names(kernels::isa_runs_here)) out.value(name);
        out.end_array().key("isa").value(kernels::isa_name(choice.isa));
        out.key("isa_forced").value(choice.forced).end_object();
        fmt::print("{}\n", out.str());
        return;
    }
    std::vector<std::string> has, lacks;
    for (kernels::CpuFeature f : kernels::reported_cpu_features())
        ((cpu & f) != 0 ? has : lacks).emplace_back(kernels::cpu_feature_name(f));
    fmt::print("cpu: {} ({}), {} logical CPUs, {} physical cores\n", model, arch, logical, physical);
    fmt::print("features: {}\n", has.empty() ? "-" : fmt::format("{}", fmt::join(has, " ")));
    fmt::print("lacks: {}\n", lacks.empty() ? "-" : fmt::format("{}", fmt::join(lacks, " ")));
    fmt::print("instruction sets built: {}\n", fmt::join(set_names(kernels::isa_built), ", "));
    fmt::print("instruction sets this CPU runs: {}\n", fmt::join(set_names(kernels::isa_runs_here), ", "));
    fmt::print("in use: {} ({})\n", kernels::isa_name(choice.isa), reason(choice));
}

}  // namespace info
