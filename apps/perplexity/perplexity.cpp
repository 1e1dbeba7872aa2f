#include "apps/perplexity/perplexity.h"

#include <algorithm>

#include <fmt/format.h>

#include "apps/perplexity/perplexity_error.h"

namespace perplexity {
namespace {

// Scored positions get their logits this many at a time: (piece, n_vocab) floats per transformer, instead of
// a whole window's (100 MB for SmolLM2's vocabulary at n_ctx 512).
constexpr size_t kLogitPiece = 64;

void check_fits(const runtime::Transformer& t, int64_t n_ctx) {
    const runtime::RunConfig& o = t.config();
    if (o.kv_budget == 0 && o.n_ctx < n_ctx)
        throw Error(fmt::format("the context ({} tokens) is smaller than a perplexity window of {}", o.n_ctx, n_ctx));
}

}  // namespace

int64_t scored_per_window(int64_t n_ctx) { return n_ctx - 1 - n_ctx / 2; }

size_t perplexity_windows(size_t n_tokens, const PerplexityOptions& options) {
    const int64_t n_ctx = options.n_ctx;
    if (n_ctx < 3) throw Error(fmt::format("a perplexity window of {} tokens scores nothing (use at least 3)", n_ctx));
    if (n_tokens < 2 * static_cast<uint64_t>(n_ctx))
        throw Error(fmt::format("the text is {} tokens; perplexity with windows of {} needs at least {}", n_tokens,
                                n_ctx, 2 * n_ctx));
    const size_t whole = n_tokens / static_cast<size_t>(n_ctx);
    const size_t windows = options.max_windows >= 0 ? std::min(whole, static_cast<size_t>(options.max_windows)) : whole;
    if (windows == 0) throw Error("no tokens scored: the options select no window (max_windows 0)");
    return windows;
}

PerplexityResult evaluate_perplexity(const std::vector<int32_t>& tokens, const PerplexityOptions& options,
                                     runtime::Transformer& test, runtime::Transformer* base,
                                     const std::function<void(const PerplexityResult&)>& on_window) {
    PerplexityResult result;
    result.n_windows = perplexity_windows(tokens.size(), options);
    check_fits(test, options.n_ctx);
    if (base) check_fits(*base, options.n_ctx);
    if (base) result.comparison.emplace();

    const auto window = static_cast<size_t>(options.n_ctx), first = window / 2;
    const auto n_vocab = static_cast<size_t>(test.model().config().n_vocab);
    std::vector<int32_t> ids(window);
    std::vector<float> logits(kLogitPiece * n_vocab), base_logits(base ? kLogitPiece * n_vocab : 0);
    for (size_t w = 0; w < result.n_windows; ++w) {
        std::copy_n(tokens.begin() + static_cast<ptrdiff_t>(w * window), window, ids.begin());
        if (options.bos >= 0) ids[0] = options.bos;
        // The first half is context only: its logits (the last one's, written to the buffer) are not used.
        test.reset();
        test.forward(ids.data(), first, logits.data());
        if (base) {
            base->reset();
            base->forward(ids.data(), first, base_logits.data());
        }
        // Logits at position p predict ids[p + 1]; the window's last token predicts nothing here.
        for (size_t p = first; p + 1 < window; p += kLogitPiece) {
            const size_t n = std::min(kLogitPiece, window - 1 - p);
            test.forward(ids.data() + p, n, logits.data(), /*all_logits=*/true);
            if (base) base->forward(ids.data() + p, n, base_logits.data(), /*all_logits=*/true);
            for (size_t i = 0; i < n; ++i) {
                const float* row = logits.data() + i * n_vocab;
                const int32_t target = ids[p + i + 1];
                result.nll.add(token_nll(row, n_vocab, target));
                if (base) result.comparison->add(base_logits.data() + i * n_vocab, row, n_vocab, target);
            }
        }
        result.windows = w + 1;
        if (on_window) on_window(result);
    }
    return result;
}

}  // namespace perplexity
