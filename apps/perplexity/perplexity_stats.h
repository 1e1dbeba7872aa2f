// The statistics of llama.cpp's llama-perplexity over scored positions: the perplexity with its uncertainty,
// and (its --kl-divergence mode) how far a test distribution is from a base one at the same positions.
//
//   perplexity::NllStats ppl;
//   ppl.add(perplexity::token_nll(logits, n_vocab, next_token));   // once per scored position
//   fmt::print("PPL = {:.4f} +/- {:.5f}\n", ppl.perplexity(), ppl.perplexity_uncertainty());
//
// All in natural logarithms, accumulated in double.
#pragma once

#include <cstddef>
#include <cstdint>

namespace perplexity {

// -log softmax(logits)[target]: the negative log-likelihood of `target` (llama.cpp's log_softmax, in double).
double token_nll(const float* logits, size_t n_vocab, int32_t target);

// Running sums of per-position negative log-likelihoods. The sums are of nll - shift(), the first value, so
// that the variance of near-constant values does not drown in cancellation.
class NllStats {
public:
    void add(double nll);

    uint64_t count() const { return count_; }
    double shift() const { return shift_; }
    double shifted_sum() const { return sum_; }
    double shifted_sum_squares() const { return sum_squares_; }
    double mean() const;  // mean NLL; 0 before any position
    double perplexity() const;  // exp(mean NLL)
    // llama-perplexity's "+/-": PPL * sqrt((mean(nll^2) - mean(nll)^2) / (count - 1)), the standard error of
    // the mean NLL carried through exp; 0 when count < 2 or the variance is not positive.
    double perplexity_uncertainty() const;

private:
    double shift_ = 0.0;
    double sum_ = 0.0;
    double sum_squares_ = 0.0;
    uint64_t count_ = 0;
};

// Standard error of a mean from its sums, as llama.cpp's mean_and_uncertainty: sqrt((sum2/n - mean^2) / (n-1)),
// 0 when n < 2 or the variance is not positive.
double standard_error(double sum, double sum_squares, uint64_t count);

// A test distribution (e.g. sparse attention) against a base one (dense) at the same positions.
class DistributionComparison {
public:
    // base_logits, logits: n_vocab values each at one position; target: the token that came next there.
    void add(const float* base_logits, const float* logits, size_t n_vocab, int32_t target);

    uint64_t count() const { return test_.count(); }
    const NllStats& base() const { return base_; }
    const NllStats& test() const { return test_; }

    // PPL(test) / PPL(base) = exp(mean NLL difference) and its uncertainty, with the covariance of the two
    // NLL series (llama.cpp's "Mean PPL(Q)/PPL(base)"); the relative change is ratio - 1.
    double ppl_ratio() const;
    double ppl_ratio_uncertainty() const;
    // Mean KL(base || test) = sum_i p_base(i) * (log p_base(i) - log p_test(i)) per position, in nats, and its
    // standard error (llama.cpp's "Mean KLD", computed from the full float logits here).
    double mean_kld() const;
    double kld_uncertainty() const;
    // Share of positions whose argmax (lowest id on ties) is the same in both, and its standard error.
    double same_top_share() const;
    double same_top_uncertainty() const;

private:
    NllStats base_, test_;
    double sum_shifted_products_ = 0.0;  // of the two shifted NLLs, for their covariance
    double sum_kld_ = 0.0;
    double sum_kld_squares_ = 0.0;
    uint64_t same_top_ = 0;
};

}  // namespace perplexity
