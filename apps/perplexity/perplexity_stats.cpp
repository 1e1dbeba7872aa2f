#include "apps/perplexity/perplexity_stats.h"

#include <algorithm>
#include <cmath>

#include "src/sampler.h"

namespace perplexity {
namespace {

// log of the softmax's normaliser, relative to the largest logit: log sum_i exp(logit_i - max).
struct LogNormaliser {
    double max;
    double log_sum;

    LogNormaliser(const float* logits, size_t n) : max(*std::max_element(logits, logits + n)), log_sum(0.0) {
        double sum = 0.0;
        for (size_t i = 0; i < n; ++i) sum += std::exp(static_cast<double>(logits[i]) - max);
        log_sum = std::log(sum);
    }
    double log_p(float logit) const { return static_cast<double>(logit) - max - log_sum; }
};

}  // namespace

double token_nll(const float* logits, size_t n_vocab, int32_t target) {
    return -LogNormaliser(logits, n_vocab).log_p(logits[target]);
}

double standard_error(double sum, double sum_squares, uint64_t count) {
    if (count < 2) return 0.0;
    const auto n = static_cast<double>(count);
    const double mean = sum / n;
    const double variance = sum_squares / n - mean * mean;
    return variance > 0.0 ? std::sqrt(variance / (n - 1.0)) : 0.0;
}

void NllStats::add(double nll) {
    if (count_ == 0) shift_ = nll;
    const double x = nll - shift_;
    sum_ += x;
    sum_squares_ += x * x;
    ++count_;
}

double NllStats::mean() const { return count_ ? shift_ + sum_ / static_cast<double>(count_) : 0.0; }

double NllStats::perplexity() const { return std::exp(mean()); }

double NllStats::perplexity_uncertainty() const { return perplexity() * standard_error(sum_, sum_squares_, count_); }

void DistributionComparison::add(const float* base_logits, const float* logits, size_t n_vocab, int32_t target) {
    const LogNormaliser base(base_logits, n_vocab), test(logits, n_vocab);
    const double base_nll = -base.log_p(base_logits[target]), test_nll = -test.log_p(logits[target]);
    base_.add(base_nll);
    test_.add(test_nll);
    sum_shifted_products_ += (base_nll - base_.shift()) * (test_nll - test_.shift());

    double kld = 0.0;
    for (size_t i = 0; i < n_vocab; ++i) {
        const double log_p_base = base.log_p(base_logits[i]);
        kld += std::exp(log_p_base) * (log_p_base - test.log_p(logits[i]));
    }
    sum_kld_ += kld;
    sum_kld_squares_ += kld * kld;
    const auto n = static_cast<int64_t>(n_vocab);
    if (runtime::argmax(base_logits, n) == runtime::argmax(logits, n)) ++same_top_;
}

double DistributionComparison::ppl_ratio() const { return std::exp(test_.mean() - base_.mean()); }

double DistributionComparison::ppl_ratio_uncertainty() const {
    const uint64_t n = count();
    if (n < 2) return 0.0;
    const auto dn = static_cast<double>(n);
    const double covariance =
        (sum_shifted_products_ / dn - (test_.shifted_sum() / dn) * (base_.shifted_sum() / dn)) / (dn - 1.0);
    const double se_test = standard_error(test_.shifted_sum(), test_.shifted_sum_squares(), n);
    const double se_base = standard_error(base_.shifted_sum(), base_.shifted_sum_squares(), n);
    const double variance = se_test * se_test + se_base * se_base - 2.0 * covariance;
    return ppl_ratio() * std::sqrt(std::max(variance, 0.0));
}

double DistributionComparison::mean_kld() const { return count() ? sum_kld_ / static_cast<double>(count()) : 0.0; }

double DistributionComparison::kld_uncertainty() const { return standard_error(sum_kld_, sum_kld_squares_, count()); }

double DistributionComparison::same_top_share() const {
    return count() ? static_cast<double>(same_top_) / static_cast<double>(count()) : 0.0;
}

double DistributionComparison::same_top_uncertainty() const {
    if (count() < 2) return 0.0;
    const double p = same_top_share();
    return std::sqrt(p * (1.0 - p) / static_cast<double>(count() - 1));
}

}  // namespace perplexity
