#include "src/prefix_cache.h"

#include <algorithm>

namespace runtime {

size_t PrefixCache::hold(const std::vector<int32_t>& head) {
    const bool extends = saved_ && common_prefix(saved_head_, head) == saved_head_.size();
    const size_t restored = extends ? saved_head_.size() : 0;
    if (extends) {
        transformer_.restore_state(*saved_);
    } else {
        transformer_.reset();
        saved_.reset();
    }
    if (head.size() == restored) return restored;
    transformer_.forward(head.data() + restored, head.size() - restored, /*logits=*/nullptr);
    saved_ = transformer_.save_state();
    saved_head_ = head;
    return restored;
}

size_t common_prefix(const std::vector<int32_t>& a, const std::vector<int32_t>& b) {
    const size_t n = std::min(a.size(), b.size());
    return static_cast<size_t>(std::mismatch(a.begin(), a.begin() + static_cast<std::ptrdiff_t>(n), b.begin()).first -
                               a.begin());
}

}  // namespace runtime
