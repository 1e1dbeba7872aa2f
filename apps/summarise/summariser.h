// The rolling summary (map and fold): each chunk of input is folded into the running summary by one generation
// from SummaryPrompt's prompt of the two, on one transformer that is reused: the prompt's head is restored
// rather than evaluated again (src/prefix_cache.h), and the cache holds one prompt and its reply at a time,
// so memory stays what the first chunks took, however long the input.
//
// A fold whose generation ends early (a missed deadline with --on-deadline stop, a stop signal) or replies
// nothing keeps the previous summary: a summary cut off mid-way would lose what the previous one held.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "apps/summarise/summary_prompt.h"
#include "src/generation.h"
#include "src/prefix_cache.h"

namespace summarise {

struct Fold {
    bool updated = false;        // false: the previous summary was kept
    size_t prompt_tokens = 0;    // the whole prompt, the head included
    size_t reused_tokens = 0;    // of them, restored instead of evaluated
    runtime::GenerationStats stats;
};

class Summariser {
public:
    // options.n_predict is the longest summary, in tokens.
    Summariser(runtime::Transformer& transformer, const tokenizer::Tokenizer& tokenizer, runtime::Sampler& sampler,
               runtime::GenerationOptions options, SummaryPrompt prompt);

    // Folds `chunk` into the summary; the new summary's text goes to on_text as it is generated (leading
    // whitespace left out). Throws runtime::Error when the prompt does not fit the context.
    Fold fold(std::string_view chunk, const std::function<void(std::string_view)>& on_text);

    const std::string& summary() const { return summary_; }
    // The prompt's tokens around an empty summary and chunk (template, BOS, the reply's opening).
    size_t template_tokens() const;

private:
    std::vector<int32_t> prompt_tokens(const SummaryPrompt::Rendered& rendered) const;

    runtime::Transformer& transformer_;
    const tokenizer::Tokenizer& tokenizer_;
    runtime::Sampler& sampler_;
    runtime::Generator generator_;
    SummaryPrompt prompt_;
    runtime::PrefixCache heads_;
    std::string summary_;
};

}  // namespace summarise
