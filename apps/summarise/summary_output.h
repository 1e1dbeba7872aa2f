// What `summarise` prints on stdout:
// - stream (default): each new summary as it is generated, then a blank line; so the last block is always
//   the current summary (a fold that kept the previous summary after printing part of a new one prints the
//   kept one again);
// - final only (--final-only): the last summary once the input ends or a signal stops the command;
// - JSON lines (--jsonl): one object per fold (see SummaryOutput::fold), and a last one with "final": true.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "apps/summarise/summariser.h"

namespace summarise {

enum class OutputMode { Stream, FinalOnly, Jsonl };

// Where the input stands after a fold.
struct Progress {
    size_t chunks = 0;            // folds so far
    size_t chunk_bytes = 0, chunk_tokens = 0;  // the last chunk's
    uint64_t bytes_consumed = 0;  // input bytes cut into chunks so far (blank ones included)
    uint64_t tokens_consumed = 0;
};

class SummaryOutput {
public:
    explicit SummaryOutput(OutputMode mode) : mode_(mode) {}

    // A piece of the summary being generated.
    void text(std::string_view piece);
    // A fold has ended; `summary` is the running summary after it.
    void fold(const Progress& progress, const Fold& fold, const std::string& summary);
    // The command ends: `reason` is "end of input" or "signal".
    void finish(const Progress& progress, const std::string& summary, const char* reason);

private:
    OutputMode mode_;
    bool streamed_ = false;  // text() wrote part of the current fold's summary
};

}  // namespace summarise
