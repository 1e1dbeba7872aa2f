// libFuzzer's entry points, for the target named by $SPARSE_LLM_FUZZ_TARGET (scripts/fuzz.sh sets it).
#include <cstdio>
#include <cstdlib>

#include <spdlog/spdlog.h>

#include "fuzz/fuzz_targets.h"

namespace {

const fuzz::Target* target = nullptr;

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    spdlog::set_level(spdlog::level::off);  // a model's load warnings would drown libFuzzer's report
    const char* name = std::getenv("SPARSE_LLM_FUZZ_TARGET");
    target = name ? fuzz::find_target(name) : nullptr;
    if (!target) {
        std::fprintf(stderr, "SPARSE_LLM_FUZZ_TARGET names no fuzz target ('%s'): see scripts/fuzz.sh --list\n",
                     name ? name : "");
        std::exit(2);
    }
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    target->run(data, size);
    return 0;
}
