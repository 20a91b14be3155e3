#include "golden/ref/softmax.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "golden/common/error.h"

namespace tessera::ref {
namespace {

// Views x as [outer, length, inner] around `axis`, so one slice is `length` elements `inner` apart.
template <bool kLog>
Tensor softmax_along(const Tensor& x, int axis, const char* op) {
  if (x.rank() == 0) {
    throw InputError(std::string(op) + ": x must have rank >= 1, got a scalar");
  }
  const std::size_t a = normalize_axis(axis, x.rank(), op);
  const std::size_t length = x.dim(a);
  std::size_t outer = 1, inner = 1;
  for (std::size_t i = 0; i < a; ++i) outer *= x.dim(i);
  for (std::size_t i = a + 1; i < x.rank(); ++i) inner *= x.dim(i);

  Tensor y(x.shape());
  std::vector<double> shifted(length);
  for (std::size_t o = 0; o < outer; ++o) {
    for (std::size_t in = 0; in < inner; ++in) {
      const float* src = x.data() + o * length * inner + in;
      float* dst = y.data() + o * length * inner + in;
      double max = -std::numeric_limits<double>::infinity();
      // A NaN is skipped here but still poisons the sum below, so the whole slice becomes NaN.
      for (std::size_t i = 0; i < length; ++i) max = std::max(max, double{src[i * inner]});
      double sum = 0.0;
      for (std::size_t i = 0; i < length; ++i) {
        shifted[i] = static_cast<double>(src[i * inner]) - max;  // -inf - finite = -inf: exp → 0
        sum += std::exp(shifted[i]);
      }
      const double log_sum = std::log(sum);
      for (std::size_t i = 0; i < length; ++i) {
        dst[i * inner] = static_cast<float>(kLog ? shifted[i] - log_sum : std::exp(shifted[i]) / sum);
      }
    }
  }
  return y;
}

}  // namespace

Tensor softmax(const Tensor& x, int axis) { return softmax_along<false>(x, axis, "softmax"); }

Tensor log_softmax(const Tensor& x, int axis) {
  return softmax_along<true>(x, axis, "log_softmax");
}

}  // namespace tessera::ref
