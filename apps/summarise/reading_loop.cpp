#include "apps/summarise/reading_loop.h"

#include <algorithm>

#include <spdlog/spdlog.h>

#include "apps/cli/stop_signals.h"
#include "apps/summarise/ascii_space.h"

namespace summarise {
namespace {

// A stop signal is noticed within this time even when it comes just before a wait.
constexpr int kLongestWaitMs = 200;

bool stopped() { return cli::StopSignals::requested().load(); }

}  // namespace

const char* ReadingLoop::run(InputStream& input) {
    std::string bytes;
    while (!stopped()) {
        bytes.clear();
        switch (input.read_some(bytes, wait_ms())) {
        case InputStream::Status::Data:
            if (chunker_.pending_bytes() == 0) waiting_since_ = Clock::now();
            chunker_.push(bytes);
            while (!stopped() && fold_next(false)) {}
            break;
        case InputStream::Status::End:
            while (!stopped() && fold_next(true)) {}
            return stopped() ? "signal" : "end of input";
        case InputStream::Status::Timeout:
            if (flush_due()) fold_next(true);
            break;
        case InputStream::Status::Interrupted:
            break;
        }
    }
    return "signal";
}

bool ReadingLoop::flush_due() const {
    return flush_after_ > 0 && chunker_.pending_bytes() > 0 &&
           std::chrono::duration<double>(Clock::now() - waiting_since_).count() >= flush_after_;
}

int ReadingLoop::wait_ms() const {
    if (flush_after_ <= 0 || chunker_.pending_bytes() == 0) return kLongestWaitMs;
    const double left = flush_after_ - std::chrono::duration<double>(Clock::now() - waiting_since_).count();
    return static_cast<int>(std::clamp(left * 1000.0, 0.0, static_cast<double>(kLongestWaitMs)));
}

bool ReadingLoop::fold_next(bool flush) {
    const std::optional<Chunk> chunk = chunker_.next(flush);
    if (!chunk) return false;
    progress_.bytes_consumed += chunk->text.size();
    progress_.tokens_consumed += chunk->tokens;
    waiting_since_ = Clock::now();
    if (is_blank(chunk->text)) return true;
    ++progress_.chunks;
    progress_.chunk_bytes = chunk->text.size();
    progress_.chunk_tokens = chunk->tokens;
    const Fold fold = summariser_.fold(chunk->text, [&](std::string_view piece) { output_.text(piece); });
    prompt_ms_ += fold.stats.prompt_ms;
    if (!fold.updated && fold.stats.stop_reason != "cancelled")
        spdlog::warn("chunk {}: {}; the summary stays as it was", progress_.chunks,
                     fold.stats.stop_reason == "deadline" ? "a decode deadline was missed" : "the reply was empty");
    output_.fold(progress_, fold, summariser_.summary());
    return true;
}

}  // namespace summarise
