#include "src/stop_strings.h"

#include <algorithm>

namespace runtime {

StopStrings::StopStrings(std::vector<std::string> stops) {
    for (std::string& s : stops)
        if (!s.empty()) stops_.push_back(std::move(s));
}

StopStrings::Result StopStrings::feed(std::string_view text) {
    held_.append(text);
    size_t first = std::string::npos;
    for (const std::string& s : stops_) first = std::min(first, held_.find(s));
    if (first != std::string::npos) {
        Result r{held_.substr(0, first), true};
        held_.clear();
        return r;
    }
    // Hold back the longest tail that is a proper prefix of some stop string.
    size_t hold = 0;
    for (const std::string& s : stops_)
        for (size_t k = std::min(s.size() - 1, held_.size()); k > hold; --k)
            if (held_.compare(held_.size() - k, k, s, 0, k) == 0) {
                hold = k;
                break;
            }
    Result r{held_.substr(0, held_.size() - hold), false};
    held_.erase(0, held_.size() - hold);
    return r;
}

std::string StopStrings::finish() {
    std::string out;
    out.swap(held_);
    return out;
}

}  // namespace runtime
