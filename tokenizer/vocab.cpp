#include "tokenizer/vocab.h"

#include <algorithm>
#include <cctype>
#include <initializer_list>

#include <fmt/format.h>

#include "gguf/gguf_file.h"
#include "tokenizer/tokenizer_error.h"

namespace tokenizer {

namespace {

// tokenizer.ggml.pre values: the regex set and the flags llama.cpp gives each (BPE defaults: clean_spaces on,
// ignore_merges off, add_bos off).
struct PreTokenizerInfo {
    std::string_view name;
    PreTokenizer kind;
    bool clean_spaces;
    bool ignore_merges;
    bool add_bos;
};

constexpr PreTokenizerInfo kPreTokenizers[] = {
    {"default", PreTokenizer::Default, true, false, false},
    {"gpt-2", PreTokenizer::Gpt2, true, false, false},
    {"phi-2", PreTokenizer::Gpt2, true, false, false},
    {"mpt", PreTokenizer::Gpt2, true, false, false},
    {"olmo", PreTokenizer::Gpt2, true, false, false},
    {"jais", PreTokenizer::Gpt2, true, false, false},
    {"exaone4", PreTokenizer::Gpt2, true, false, false},
    {"trillion", PreTokenizer::Gpt2, false, false, false},
    {"granite-docling", PreTokenizer::Gpt2, false, false, false},
    {"starcoder", PreTokenizer::StarCoder, true, false, false},
    {"refact", PreTokenizer::StarCoder, true, false, false},
    {"smollm", PreTokenizer::StarCoder, false, false, false},
    {"command-r", PreTokenizer::StarCoder, false, false, false},
    {"codeshell", PreTokenizer::StarCoder, true, false, false},
    {"exaone", PreTokenizer::StarCoder, true, false, false},
    {"minerva-7b", PreTokenizer::StarCoder, true, false, false},
    {"mellum2", PreTokenizer::StarCoder, true, false, false},
    {"falcon", PreTokenizer::Falcon, true, false, false},
    {"deepseek-llm", PreTokenizer::DeepseekLlm, false, false, false},
    {"deepseek-coder", PreTokenizer::DeepseekCoder, false, false, false},
    {"llama3", PreTokenizer::Llama3, true, true, true},
    {"llama-v3", PreTokenizer::Llama3, true, true, true},
    {"llama-bpe", PreTokenizer::Llama3, true, true, true},
    {"falcon3", PreTokenizer::Llama3, true, true, true},
    {"falcon-h1", PreTokenizer::Llama3, true, true, true},
    {"pixtral", PreTokenizer::Llama3, true, true, true},
    {"dbrx", PreTokenizer::Llama3, true, false, false},
    {"smaug-bpe", PreTokenizer::Llama3, true, false, false},
    {"qwen2", PreTokenizer::Qwen2, false, false, false},
    {"deepseek-r1-qwen", PreTokenizer::Qwen2, false, false, false},
    {"hunyuan", PreTokenizer::Qwen2, false, false, false},
    {"stablelm2", PreTokenizer::Qwen2, true, false, false},
    {"megrez", PreTokenizer::Qwen2, true, false, false},
};

uint16_t attr_of_token_type(int64_t type) {
    switch (type) {
        case 1: return kAttrNormal;
        case 2: return kAttrUnknown;
        case 3: return kAttrControl;
        case 4: return kAttrUserDefined;
        case 5: return kAttrUnused;
        case 6: return kAttrByte;
        default: return kAttrUndefined;
    }
}

void set_model_defaults(Vocab& v, const gguf::File& file) {
    const std::string_view model = file.get_string("tokenizer.ggml.model");
    if (model == "llama") {
        v.type = VocabType::Spm;
        v.bos = 1, v.eos = 2, v.unk = 0;
        v.add_space_prefix = true;
        v.add_bos = true;
        return;
    }
    if (model != "gpt2")
        throw Error(fmt::format("{}: tokenizer.ggml.model '{}' is not supported (llama, gpt2)", file.source(), model));
    v.type = VocabType::Bpe;
    v.bos = 11, v.eos = 11;  // llama.cpp's defaults for BPE vocabularies without the keys
    const std::string_view pre = file.get_string_or("tokenizer.ggml.pre", "default");
    const auto* info = std::find_if(std::begin(kPreTokenizers), std::end(kPreTokenizers),
                                    [&](const PreTokenizerInfo& i) { return i.name == pre; });
    if (info == std::end(kPreTokenizers))
        throw Error(fmt::format("{}: tokenizer.ggml.pre '{}' is not supported", file.source(), pre));
    v.pre = info->kind;
    v.clean_spaces = info->clean_spaces;
    v.ignore_merges = info->ignore_merges;
    v.add_bos = info->add_bos;
}

void read_tokens(Vocab& v, const gguf::File& file) {
    const auto& tokens = file.get_string_array("tokenizer.ggml.tokens");
    const size_t n = tokens.size();
    if (n == 0) throw Error(fmt::format("{}: tokenizer.ggml.tokens is empty", file.source()));
    if (n > static_cast<size_t>(INT32_MAX))
        throw Error(fmt::format("{}: tokenizer.ggml.tokens has {} entries, too many", file.source(), n));

    std::vector<float> scores(n, 0.0f);
    if (const gguf::Value* value = file.find("tokenizer.ggml.scores")) {
        if (value->is_array_of(gguf::ValueType::INT32)) {
            const auto ints = file.get_int_array("tokenizer.ggml.scores");
            scores.assign(ints.begin(), ints.end());
        } else {
            scores = file.get_float_array("tokenizer.ggml.scores");
        }
        if (scores.size() < n)
            throw Error(fmt::format("{}: tokenizer.ggml.scores has {} entries for {} tokens", file.source(),
                                    scores.size(), n));
        scores.resize(n);
    }
    std::vector<int64_t> types(n, 1);
    if (file.has("tokenizer.ggml.token_type")) {
        types = file.get_int_array("tokenizer.ggml.token_type");
        if (types.size() < n)
            throw Error(fmt::format("{}: tokenizer.ggml.token_type has {} entries for {} tokens", file.source(),
                                    types.size(), n));
    }

    v.text.resize(n);
    v.score = std::move(scores);
    v.attr.resize(n);
    for (size_t i = 0; i < n; ++i) {
        v.text[i] = tokens[i].empty() ? fmt::format("[EMPTY_{}]", i) : std::string(tokens[i]);
        v.attr[i] = attr_of_token_type(types[i]);
    }
    v.id_of_text.reserve(n);
    for (size_t i = 0; i < n; ++i) v.id_of_text.set(v.text[i], static_cast<TokenId>(i));  // a repeated text: last wins
}

// A special id from its key; defaults that fall outside the vocabulary are dropped, and so are bad keys.
void read_special_id(const gguf::File& file, std::string_view key, const Vocab& v, TokenId& id) {
    if (id != kNoToken && !v.has(static_cast<uint32_t>(id))) id = kNoToken;
    if (!file.has(key)) return;
    const uint64_t new_id = file.get_uint(key);
    if (new_id < v.size()) id = static_cast<TokenId>(new_id);
}

void read_special_ids(Vocab& v, const gguf::File& file) {
    const std::pair<std::string_view, TokenId*> keys[] = {
        {"tokenizer.ggml.bos_token_id", &v.bos},        {"tokenizer.ggml.eos_token_id", &v.eos},
        {"tokenizer.ggml.eot_token_id", &v.eot},        {"tokenizer.ggml.eom_token_id", &v.eom},
        {"tokenizer.ggml.unknown_token_id", &v.unk},    {"tokenizer.ggml.padding_token_id", &v.pad},
        {"tokenizer.ggml.fim_pre_token_id", &v.fim_pre}, {"tokenizer.ggml.fim_suf_token_id", &v.fim_suf},
        {"tokenizer.ggml.fim_mid_token_id", &v.fim_mid}, {"tokenizer.ggml.fim_pad_token_id", &v.fim_pad},
        {"tokenizer.ggml.fim_rep_token_id", &v.fim_rep}, {"tokenizer.ggml.fim_sep_token_id", &v.fim_sep},
        {"tokenizer.ggml.prefix_token_id", &v.fim_pre},  {"tokenizer.ggml.suffix_token_id", &v.fim_suf},
        {"tokenizer.ggml.middle_token_id", &v.fim_mid},
    };
    for (const auto& [key, id] : keys) read_special_id(file, key, v, *id);

    v.add_bos = file.get_bool_or("tokenizer.ggml.add_bos_token", v.add_bos);
    v.add_eos = file.get_bool_or("tokenizer.ggml.add_eos_token", v.add_eos);
    v.add_space_prefix = file.get_bool_or("tokenizer.ggml.add_space_prefix", v.add_space_prefix);
}

// llama.cpp finds EOT and FIM tokens that the metadata does not name by their text, and makes every token it
// treats as special in this way a control token.
void detect_special_ids_by_text(Vocab& v) {
    struct Rule {
        TokenId* id;
        std::initializer_list<std::string_view> texts;
    };
    const Rule rules[] = {
        {&v.eot, {"<|eot_id|>", "<|im_end|>", "<|end|>", "<end_of_turn>", "<|endoftext|>", "<|end_of_text|>",
                  "<EOT>", "_<EOT>", "[EOT]", "<｜end▁of▁sentence｜>", "<end_of_utterance>"}},
        {&v.eom, {"<|eom_id|>"}},
        {&v.fim_pre, {"<|fim_prefix|>", "<fim-prefix>", "<fim_prefix>", "<｜fim▁begin｜>", "<PRE>", "▁<PRE>",
                      "<|code_prefix|>", "<|prefix|>"}},
        {&v.fim_suf, {"<|fim_suffix|>", "<fim-suffix>", "<fim_suffix>", "<｜fim▁hole｜>", "<SUF>", "▁<SUF>",
                      "<|code_suffix|>", "<|suffix|>"}},
        {&v.fim_mid, {"<|fim_middle|>", "<fim-middle>", "<fim_middle>", "<｜fim▁end｜>", "<MID>", "▁<MID>",
                      "<|code_middle|>", "<|middle|>"}},
        {&v.fim_pad, {"<|fim_pad|>", "<fim-pad>", "<fim_pad>", "<PAD>", "[PAD]"}},
        {&v.fim_rep, {"<|fim_repo|>", "<|repo_name|>", "<fim-repo>", "<REPO>", "<reponame>"}},
        {&v.fim_sep, {"<|file_sep|>"}},
    };
    for (const Rule& rule : rules) {
        // The first text of the list the vocabulary has (llama.cpp takes whichever its hash map yields first).
        for (auto text = rule.texts.begin(); text != rule.texts.end() && *rule.id == kNoToken; ++text) {
            *rule.id = v.find(*text);
            if (*rule.id != kNoToken) v.attr[*rule.id] |= kAttrControl;
        }
    }
}

// End of generation: the FIM pad/repo/separator tokens, tokens with these texts, and EOS, EOT and EOM.
void collect_eog(Vocab& v) {
    std::vector<TokenId> eog;
    for (TokenId id : {v.fim_pad, v.fim_rep, v.fim_sep, v.eos, v.eot, v.eom})
        if (id != kNoToken) eog.push_back(id);
    for (std::string_view text : {"<|eot_id|>", "<|im_end|>", "<|end|>", "<|return|>", "<|call|>", "<|flush|>",
                                  "<|calls|>", "<end_of_turn>", "<|endoftext|>", "</s>", "<|eom_id|>", "<EOT>",
                                  "_<EOT>", "[EOT]", "[EOS]", "<|end_of_text|>", "<end_of_utterance>", "<eos>",
                                  "<turn|>", "<|tool_response>", "<｜end▁of▁sentence｜>", "[e~["}) {
        const TokenId id = v.find(text);
        if (id == kNoToken) continue;
        eog.push_back(id);
        v.attr[id] |= kAttrControl;
    }
    std::sort(eog.begin(), eog.end());
    eog.erase(std::unique(eog.begin(), eog.end()), eog.end());
    v.eog = std::move(eog);
}

void collect_special_tokens(Vocab& v) {
    for (size_t i = 0; i < v.size(); ++i)
        if (v.attr[i] & (kAttrControl | kAttrUserDefined | kAttrUnknown)) v.special_tokens.push_back(static_cast<TokenId>(i));
    std::stable_sort(v.special_tokens.begin(), v.special_tokens.end(),
                     [&](TokenId a, TokenId b) { return v.text[a].size() > v.text[b].size(); });
}

// llama.cpp's per-model attribute rule that concerns the vocabularies here: Phi-3's special tokens swallow the
// whitespace after them.
void apply_model_rules(Vocab& v, const gguf::File& file) {
    std::string name(file.get_string_or("general.name", ""));
    std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
    if (name.find("phi-3") == std::string::npos && name.find("phi3") == std::string::npos) return;
    for (TokenId id : v.special_tokens) v.attr[id] |= kAttrRstrip;
    const auto set_rstrip = [&](std::string_view text, bool on) {
        const TokenId id = v.find(text);
        if (id == kNoToken) return;
        v.attr[id] = on ? (v.attr[id] | kAttrRstrip) : (v.attr[id] & ~kAttrRstrip);
    };
    set_rstrip("</s>", true);
    for (std::string_view text : {"<unk>", "<s>", "<|endoftext|>"}) set_rstrip(text, false);
}

}  // namespace

Vocab load_vocab(const gguf::File& file) {
    Vocab v;
    set_model_defaults(v, file);
    read_tokens(v, file);
    read_special_ids(v, file);
    detect_special_ids_by_text(v);
    collect_eog(v);
    collect_special_tokens(v);
    apply_model_rules(v, file);
    return v;
}

}  // namespace tokenizer
