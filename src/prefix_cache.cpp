#include "src/prefix_cache.h"

#include <algorithm>

namespace runtime {

size_t PrefixCache::hold(const std::vector<int32_t>& head) {
    if (saved_ && head == saved_head_) {
        transformer_.restore_state(*saved_);
        return head.size();
    }
    transformer_.reset();
    saved_.reset();
    if (head.empty()) return 0;
    transformer_.forward(head.data(), head.size(), /*logits=*/nullptr);
    saved_ = transformer_.save_state();
    saved_head_ = head;
    return 0;
}

size_t common_prefix(const std::vector<int32_t>& a, const std::vector<int32_t>& b) {
    const size_t n = std::min(a.size(), b.size());
    return static_cast<size_t>(std::mismatch(a.begin(), a.begin() + static_cast<std::ptrdiff_t>(n), b.begin()).first -
                               a.begin());
}

}  // namespace runtime
