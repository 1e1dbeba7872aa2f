// `info`'s memory estimate against what a run measures: `sparse-llm run` whose prompt fills the context peaks
// (its summary: the kernel's VmHWM) within 10 % of what `info -c` predicts for that context; hyper-parameters
// beyond what the runtime takes are one error line.
#include <catch2/catch.hpp>

#include <cmath>
#include <fstream>
#include <string>
#include <vector>

#include "gguf/gguf_file.h"
#include "gguf/gguf_writer.h"
#include "support/cli_runner.h"
#include "support/json_reader.h"
#include "support/process_memory.h"
#include "support/shared_data.h"
#include "support/temp_dir.h"
#include "tokenizer/tokenizer.h"

namespace {

// A story of at most `tokens` tokens of the model's tokenizer (BOS included), whole sentences.
std::string filling_prompt(const std::string& model, size_t tokens) {
    const gguf::File file = gguf::File::open(model);
    const tokenizer::Tokenizer tok = tokenizer::Tokenizer::from_gguf(file);
    const std::string sentence = "Once upon a time, there was a little girl named Lily who liked to run. ";
    std::string text;
    while (tok.encode(text + sentence, true).size() <= tokens) text += sentence;
    return text;
}

}  // namespace

TEST_CASE("info: the memory estimate is within 10 % of the peak RSS of a run that fills the context",
          "[cli][info][memory]") {
    if (!test::kMeasuresRss) {
        WARN("skipped: resident memory under a sanitizer is not the program's");
        return;
    }
    SKIP_WITHOUT_SHARED();
    const std::string model = test::shared_path("models/stories260K.gguf");
    const test::TempDir dir;
    const std::string prompt = dir.file("prompt.txt");
    std::ofstream(prompt) << filling_prompt(model, 512 - 16);
    const test::CliResult run =
        test::run_cli({"run", model, "-f", prompt, "-n", "16", "-c", "512", "--temp", "0", "-t", "2"});
    INFO(run.err);
    REQUIRE(run.exit_code == 0);
    const double measured = test::peak_rss_mib(run.err);
    const test::CliResult info = test::run_cli({"info", model, "--json", "-c", "512"});
    REQUIRE(info.exit_code == 0);
    const double predicted = static_cast<double>(test::json::parse(info.out)["memory"]["total"].as_uint()) / (1 << 20);
    INFO("measured " << measured << " MiB, info predicts " << predicted << " MiB");
    CHECK(std::fabs(predicted - measured) <= 0.1 * measured);
}

TEST_CASE("info: hyper-parameters beyond the runtime's 2^31 make the memory estimate one error line", "[cli][info][errors]") {
    const std::vector<float> embd(64 * 8, 0.5f);
    gguf::Writer w;
    w.add_string("general.architecture", "llama");
    w.add_u64("llama.block_count", uint64_t{1} << 40);
    w.add_u32("llama.embedding_length", 64);
    w.add_u32("llama.feed_forward_length", 128);
    w.add_u32("llama.attention.head_count", 4);
    w.add_u32("llama.context_length", 256);
    w.add_tensor("token_embd.weight", gguf::GgmlType::F32, {64, 8}, embd.data());
    const test::TempDir dir;
    const std::string path = dir.file("deep.gguf");
    w.write(path);
    test::check_one_line_error({"info", path}, "the memory estimate overflows 64 bits");
}
