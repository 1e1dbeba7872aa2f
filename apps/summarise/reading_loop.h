// The summariser's reading loop: reads the input as it arrives, folds chunks as the input fills them, a partial
// one when text has waited --flush-after seconds, the rest at the end of input; until then or a stop signal
// (cli::StopSignals).
#pragma once

#include <chrono>

#include "apps/summarise/chunker.h"
#include "apps/summarise/input_stream.h"
#include "apps/summarise/summariser.h"
#include "apps/summarise/summary_output.h"

namespace summarise {

class ReadingLoop {
public:
    ReadingLoop(Summariser& summariser, Chunker& chunker, SummaryOutput& output, double flush_after_s)
        : summariser_(summariser), chunker_(chunker), output_(output), flush_after_(flush_after_s) {}

    // Runs to the end of `input` or a stop signal; returns "end of input" or "signal".
    const char* run(InputStream& input);

    const Progress& progress() const { return progress_; }
    double prompt_ms() const { return prompt_ms_; }  // time spent evaluating prompts

private:
    using Clock = std::chrono::steady_clock;

    bool flush_due() const;
    int wait_ms() const;
    // Folds the next chunk the chunker gives (flushing: also what is left); false when it gives none.
    bool fold_next(bool flush);

    Summariser& summariser_;
    Chunker& chunker_;
    SummaryOutput& output_;
    double flush_after_;
    Clock::time_point waiting_since_ = Clock::now();  // when the oldest text not yet summarised arrived
    Progress progress_;
    double prompt_ms_ = 0;
};

}  // namespace summarise
