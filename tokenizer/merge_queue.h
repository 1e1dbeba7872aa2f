// Pieces shared by the two BPE variants: a heap of candidate pairs and a doubly linked chain of symbols.
#pragma once

#include <algorithm>
#include <cstdint>
#include <vector>

namespace tokenizer {

// Queues a candidate in a heap whose top is the candidate that `comes_later` orders before all others.
template <typename Candidate, typename ComesLater>
void push_candidate(std::vector<Candidate>& heap, const Candidate& c, ComesLater comes_later) {
    heap.push_back(c);
    std::push_heap(heap.begin(), heap.end(), comes_later);
}

template <typename Candidate, typename ComesLater>
Candidate pop_best_candidate(std::vector<Candidate>& heap, ComesLater comes_later) {
    std::pop_heap(heap.begin(), heap.end(), comes_later);
    const Candidate best = heap.back();
    heap.pop_back();
    return best;
}

// Merges symbols[left] with the symbol after it, which leaves the chain (its size becomes 0).
// Symbol has int32_t prev, next and uint32_t size.
template <typename Symbol>
void merge_with_next(std::vector<Symbol>& symbols, int32_t left) {
    Symbol& l = symbols[left];
    Symbol& r = symbols[l.next];
    l.size += r.size;
    r.size = 0;
    l.next = r.next;
    if (l.next >= 0) symbols[l.next].prev = left;
}

}  // namespace tokenizer
