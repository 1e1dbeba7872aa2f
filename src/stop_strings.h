// `--stop STRING`: generation ends where any stop string appears in the output text, even when it spans
// several tokens. Text that might be the start of a stop string is held back until it is known not to be,
// so a stop string is never printed, not even in part.
//
//   StopStrings stop({"\n\n", "User:"});
//   const auto r = stop.feed(piece);   // r.text is safe to print; r.stopped once a stop string completed
//   print(stop.finish());              // at the end: the held-back tail
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace runtime {

class StopStrings {
public:
    struct Result {
        std::string text;      // ready to print
        bool stopped = false;  // a stop string completed; text ends right before it
    };

    explicit StopStrings(std::vector<std::string> stops);

    Result feed(std::string_view text);
    // The held-back text (no stop string completed).
    std::string finish();
    void reset() { held_.clear(); }

private:
    std::vector<std::string> stops_;  // empty strings removed
    std::string held_;
};

}  // namespace runtime
