#pragma once
// How far an emulated result is from its FP32 reference: the figures every per-layer tally and
// survey reports.
#include <cstddef>

namespace tessera::metrics {

struct ErrorStats {
  std::size_t count = 0;
  double rms_error = 0.0;      // sqrt(mean((test - reference)^2))
  double max_abs_error = 0.0;  // max |test - reference|
  double mean_error = 0.0;     // mean (test - reference): the bias
  // 10*log10(sum reference^2 / sum (test - reference)^2); +inf when the two are equal.
  double snr_db = 0.0;
  // <reference, test> / (|reference| |test|); 1 when both are all zeros.
  double cosine = 0.0;
  std::size_t non_finite = 0;  // elements where test is NaN or Inf (excluded from the sums above)
};

// Accumulates the comparison over several batches (e.g. one network run per batch of images):
// the result equals compare() on the concatenation.
class ErrorAccumulator {
 public:
  void add(const float* reference, const float* test, std::size_t count);
  std::size_t count() const { return count_; }
  // count() == 0 throws ConfigError.
  ErrorStats result() const;

 private:
  std::size_t count_ = 0;
  std::size_t finite_ = 0;
  std::size_t non_finite_ = 0;
  double sum_error_ = 0.0, sum_error_sq_ = 0.0, sum_reference_sq_ = 0.0, sum_test_sq_ = 0.0;
  double dot_ = 0.0;
  double max_abs_error_ = 0.0;
};

// Compares `test` against `reference`, both of length `count` (count 0 throws ConfigError).
ErrorStats compare(const float* reference, const float* test, std::size_t count);

}  // namespace tessera::metrics
