// The transformer's state after a prompt head that repeats (a template's fixed opening, a system prompt), kept
// so that each prompt starting with the same tokens evaluates only the rest:
//
//   runtime::PrefixCache heads(transformer);
//   heads.hold(head);                       // restored as far as it is the head saved last, the rest evaluated
//   generator.generate(rest_of_prompt, sink);
//
// The saved state copies only the rows the head fills (KvStore::snapshot), and restoring it after appends
// alone rewinds them in place; with H2O eviction it is a plain copy back.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "src/transformer.h"

namespace runtime {

class PrefixCache {
public:
    explicit PrefixCache(Transformer& transformer) : transformer_(transformer) {}

    // Makes the transformer hold exactly `head` from position 0 (an empty head: nothing). The saved head is
    // restored when `head` starts with it, and only the rest evaluated (then `head` is saved in its place);
    // otherwise all of it is evaluated and saved. Returns the tokens restored rather than evaluated. Throws
    // runtime::Error when the head does not fit the context.
    size_t hold(const std::vector<int32_t>& head);

private:
    Transformer& transformer_;
    std::vector<int32_t> saved_head_;
    std::optional<Transformer::State> saved_;
};

// How many tokens a and b have in common from the start.
size_t common_prefix(const std::vector<int32_t>& a, const std::vector<int32_t>& b);

}  // namespace runtime
