// Where the read-only reference data of ../shared is, and a clean skip when it is absent.
#pragma once

#include <algorithm>
#include <filesystem>
#include <initializer_list>
#include <string>
#include <vector>

namespace test {

inline std::filesystem::path shared_dir() { return SPARSE_LLM_SHARED_DIR; }
inline bool shared_available() { return std::filesystem::exists(shared_dir() / "README.md"); }
inline std::string shared_path(const std::string& relative) { return (shared_dir() / relative).string(); }

// The paths of the files in ../shared/<dir> (each of `dirs`) whose names end in `suffix`, sorted.
inline std::vector<std::string> shared_files(std::initializer_list<const char*> dirs, const std::string& suffix) {
    std::vector<std::string> paths;
    for (const char* dir : dirs)
        for (const auto& entry : std::filesystem::directory_iterator(shared_path(dir))) {
            const std::string name = entry.path().filename().string();
            if (name.size() > suffix.size() && name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0)
                paths.push_back(entry.path().string());
        }
    std::sort(paths.begin(), paths.end());
    return paths;
}

// Every GGUF file of ../shared: the models, the vocabularies and the quantized models.
inline std::vector<std::string> shared_gguf_files() {
    return shared_files({"models", "models/vocab", "models/quant"}, ".gguf");
}

// A model file as the goldens name it ("tiny-Q4_0.gguf"): in models/quant if it is there, else in models.
inline std::string shared_model_path(const std::string& file_name) {
    const std::string quant = shared_path("models/quant/" + file_name);
    return std::filesystem::exists(quant) ? quant : shared_path("models/" + file_name);
}

// The tiny models of the other families (llama3, qwen2, phi2, gemma) that ../shared/golden/arch was made from:
// scripts/make-arch-models.sh writes them here (scripts/test.sh runs it first); the tests that need them skip
// when they are absent.
inline std::filesystem::path arch_models_dir() {
    return std::filesystem::path(SPARSE_LLM_SOURCE_DIR) / "models" / "generated" / "arch";
}
inline bool arch_models_available() { return std::filesystem::exists(arch_models_dir() / "tiny-qwen2-Q8_0.gguf"); }

}  // namespace test

// Ends the current test case with a warning (not a failure) when ../shared is missing.
#define SKIP_WITHOUT_SHARED()                                                  \
    do {                                                                       \
        if (!test::shared_available()) {                                       \
            WARN("skipped: reference data ../shared is absent");              \
            return;                                                            \
        }                                                                      \
    } while (0)

// The same when the models of scripts/make-arch-models.sh are missing.
#define SKIP_WITHOUT_ARCH_MODELS()                                                                   \
    do {                                                                                             \
        SKIP_WITHOUT_SHARED();                                                                       \
        if (!test::arch_models_available()) {                                                        \
            WARN("skipped: the other families' models are absent (bash scripts/make-arch-models.sh)"); \
            return;                                                                                  \
        }                                                                                            \
    } while (0)
