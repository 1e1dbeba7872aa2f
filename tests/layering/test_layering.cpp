// The dependency rule of the tree (README, "Layout"): apps -> src -> {kernels, tokenizer} -> gguf, and kernels
// see only gguf's quant library. The build enforces it too (each library's include root holds its own folder
// alone); this reads every #include of the tree, so that a relative path cannot slip past it either.
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;

struct Rule {
    std::string folder;                    // files under it (the longest matching folder decides)
    std::vector<std::string> may_include;  // folders their includes may name
};

const std::vector<Rule>& rules() {
    static const std::vector<Rule> kRules = {
        {"gguf/quant/", {"gguf/quant/"}},
        {"gguf/", {"gguf/"}},
        {"kernels/common/", {"kernels/common/", "gguf/quant/"}},
        {"kernels/attention/", {"kernels/attention/", "kernels/common/", "gguf/quant/"}},
        {"kernels/matmul/", {"kernels/matmul/", "kernels/common/", "gguf/quant/"}},
        {"tokenizer/", {"tokenizer/", "gguf/"}},
        {"src/", {"src/", "kernels/", "tokenizer/", "gguf/"}},
        {"apps/", {"apps/", "src/", "kernels/", "tokenizer/", "gguf/"}},
    };
    return kRules;
}

const Rule* rule_for(const std::string& file) {
    const Rule* best = nullptr;
    for (const Rule& r : rules())
        if (file.rfind(r.folder, 0) == 0 && (!best || r.folder.size() > best->folder.size())) best = &r;
    return best;
}

bool starts_with_any(const std::string& path, const std::vector<std::string>& folders) {
    return std::any_of(folders.begin(), folders.end(), [&](const std::string& f) { return path.rfind(f, 0) == 0; });
}

// The project path an include names, or "" for one from outside the tree (a system or package header).
// `file` is the including file's path from the project root; `exists` says whether a project path is a file.
template <typename Exists>
std::string resolve(const std::string& file, const std::string& target, Exists&& exists) {
    const std::string relative = (fs::path(file).parent_path() / target).lexically_normal().generic_string();
    if (relative.rfind("..", 0) != 0 && exists(relative)) return relative;  // "x.h", "../x.h": beside the file
    for (const Rule& r : rules())
        if (target.rfind(r.folder, 0) == 0) return target;
    return relative.rfind("..", 0) == 0 ? relative : "";
}

// One line per include of `file` (path from the project root) that names a folder it must not see.
template <typename Exists>
std::vector<std::string> violations(const std::string& file, const std::string& text, Exists&& exists) {
    std::vector<std::string> found;
    const Rule* rule = rule_for(file);
    if (!rule) return found;
    static const std::regex kInclude(R"(^\s*#\s*include\s*["<]([^">]+)[">])");
    std::istringstream lines(text);
    std::string line;
    for (int number = 1; std::getline(lines, line); ++number) {
        std::smatch match;
        if (!std::regex_search(line, match, kInclude)) continue;
        const std::string target = resolve(file, match[1].str(), exists);
        if (!target.empty() && !starts_with_any(target, rule->may_include))
            found.push_back(file + ":" + std::to_string(number) + " includes " + target);
    }
    return found;
}

std::string read_file(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

}  // namespace

TEST_CASE("layering: no file of the tree includes a folder its library must not see", "[layering]") {
    const fs::path root = SPARSE_LLM_SOURCE_DIR;
    const auto exists = [&](const std::string& p) { return fs::is_regular_file(root / p); };
    size_t files = 0;
    std::vector<std::string> found;
    for (const char* top : {"gguf", "kernels", "tokenizer", "src", "apps"}) {
        for (const auto& entry : fs::recursive_directory_iterator(root / top)) {
            const std::string ext = entry.path().extension().string();
            if (!entry.is_regular_file() || (ext != ".h" && ext != ".cpp" && ext != ".inc")) continue;
            ++files;
            const std::string file = fs::relative(entry.path(), root).generic_string();
            for (std::string& v : violations(file, read_file(entry.path()), exists)) found.push_back(std::move(v));
        }
    }
    CHECK(files > 150);
    for (const std::string& v : found) UNSCOPED_INFO(v);
    CHECK(found.empty());
}

TEST_CASE("layering: includes that break the rule are found, by project path or relative path", "[layering]") {
    const auto exists = [](const std::string& p) {
        return p == "kernels/matmul/matmul.h" || p == "kernels/matmul/gemm_kernels.h" || p == "src/model.h";
    };
    const auto count = [&](const std::string& file, const std::string& text) {
        return violations(file, text, exists).size();
    };
    CHECK(count("kernels/matmul/matmul.cpp", "#include \"src/model.h\"\n") == 1);
    CHECK(count("kernels/matmul/matmul.cpp", "#include \"../../src/model.h\"\n") == 1);
    CHECK(count("kernels/attention/kv_cache.cpp", "#include \"kernels/matmul/matmul.h\"\n") == 1);
    CHECK(count("kernels/common/ops.cpp", "  #  include <gguf/gguf_file.h>\n") == 1);
    CHECK(count("gguf/quant/quant.cpp", "#include \"gguf/gguf_file.h\"\n") == 1);
    CHECK(count("gguf/gguf_file.cpp", "#include \"kernels/common/ops.h\"\n") == 1);
    CHECK(count("tokenizer/bpe.cpp", "#include \"src/model.h\"\n") == 1);
    CHECK(count("src/model.cpp", "#include \"apps/cli/command.h\"\n") == 1);
    const std::vector<std::string> lines = violations("src/model.cpp", "// a\n#include \"apps/report/svg_plot.h\"\n", exists);
    REQUIRE(lines.size() == 1);
    CHECK(lines[0] == "src/model.cpp:2 includes apps/report/svg_plot.h");

    CHECK(count("kernels/matmul/matmul.cpp", "#include \"gemm_kernels.h\"\n#include \"kernels/common/thread_pool.h\"\n"
                                             "#include \"gguf/quant/fp16.h\"\n#include <vector>\n#include <fmt/format.h>\n") == 0);
    CHECK(count("src/model.cpp", "#include \"kernels/matmul/matmul.h\"\n#include \"tokenizer/tokenizer.h\"\n") == 0);
    CHECK(count("apps/run/cmd_run.cpp", "#include \"src/model.h\"\n#include \"gguf/gguf_file.h\"\n") == 0);
    CHECK(count("tests/kernels/test_x.cpp", "#include \"src/model.h\"\n") == 0);  // tests may use any layer
}
