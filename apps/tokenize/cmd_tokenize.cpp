// `sparse-llm tokenize` and `sparse-llm detokenize`: a model's tokenizer from the command line.
#include <iterator>
#include <sstream>
#include <stdexcept>

#include <fmt/format.h>

#include "apps/cli/command.h"
#include "apps/cli/printable.h"
#include "apps/cli/text_input.h"
#include "apps/tokenize/tokenize_error.h"
#include "gguf/gguf_file.h"
#include "tokenizer/tokenizer.h"

namespace tokenize {
namespace {

struct TokenizeOptions {
    std::string model;
    std::string prompt;
    std::string file;
    bool ids_only = false;
    bool no_bos = false;
    bool special = false;
};

struct DetokenizeOptions {
    std::string model;
    std::vector<std::string> ids;
    bool special = false;
};

int run_tokenize(const TokenizeOptions& options) {
    const gguf::File file = gguf::File::open(options.model);
    const auto tok = tokenizer::Tokenizer::from_gguf(file);
    const std::string text = options.file.empty() ? options.prompt : cli::read_text_file(options.file, "text file");
    const std::vector<tokenizer::TokenId> ids = tok.encode(text, !options.no_bos, options.special);
    if (options.ids_only) {
        fmt::print("{}\n", fmt::join(ids, " "));
        return 0;
    }
    for (const tokenizer::TokenId id : ids) fmt::print("{:>7} {}\n", id, cli::quote_piece(tok.token_to_piece(id, true)));
    return 0;
}

std::vector<tokenizer::TokenId> parse_ids(const std::vector<std::string>& words) {
    std::vector<tokenizer::TokenId> ids;
    for (const std::string& word : words) {
        size_t used = 0;
        long long id = -1;
        try {
            id = std::stoll(word, &used);
        } catch (const std::exception&) {
            used = 0;
        }
        if (used != word.size() || id < 0 || id > INT32_MAX)
            throw Error(fmt::format("'{}' is not a token id", cli::printable(word)));
        ids.push_back(static_cast<tokenizer::TokenId>(id));
    }
    return ids;
}

int run_detokenize(const DetokenizeOptions& options) {
    const gguf::File file = gguf::File::open(options.model);
    const auto tok = tokenizer::Tokenizer::from_gguf(file);
    std::vector<std::string> words = options.ids;
    if (words.empty()) {
        std::istringstream in(cli::read_standard_input());
        words.assign(std::istream_iterator<std::string>(in), std::istream_iterator<std::string>());
    }
    const std::string text = tok.decode(parse_ids(words), options.special);
    std::fwrite(text.data(), 1, text.size(), stdout);
    return 0;
}

}  // namespace

void add_commands(CLI::App& parent, cli::CommandList& commands) {
    auto tokenize = std::make_shared<TokenizeOptions>();
    CLI::App* sub = parent.add_subcommand("tokenize", "Turn text into the model's token ids");
    sub->add_option("model", tokenize->model, "GGUF file")->required();
    CLI::Option* prompt = sub->add_option("-p,--prompt", tokenize->prompt, "Text to tokenize");
    CLI::Option* file = sub->add_option("-f,--file", tokenize->file, "File whose bytes are tokenized exactly as they are");
    prompt->excludes(file);
    sub->add_flag("--ids", tokenize->ids_only, "Print only the ids, space-separated");
    sub->add_flag("--no-bos", tokenize->no_bos, "Do not put BOS first even if the model asks for it");
    sub->add_flag("--special", tokenize->special, "Parse special-token text such as <|im_start|> as those tokens");
    sub->callback([prompt, file] {
        if (prompt->count() == 0 && file->count() == 0) throw CLI::RequiredError("--prompt or --file");
    });
    commands.push_back({sub, [tokenize] { return run_tokenize(*tokenize); }});

    auto detokenize = std::make_shared<DetokenizeOptions>();
    sub = parent.add_subcommand("detokenize", "Turn token ids (arguments, or standard input) back into text");
    sub->add_option("model", detokenize->model, "GGUF file")->required();
    sub->add_option("ids", detokenize->ids, "Token ids; read from standard input when none are given");
    sub->add_flag("--special", detokenize->special, "Write control tokens such as <|im_end|> as their text");
    commands.push_back({sub, [detokenize] { return run_detokenize(*detokenize); }});
}

}  // namespace tokenize
