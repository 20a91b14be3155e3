#pragma once
// Error characterisation of a multiplier over all 65,536 operand pairs, err = table(a,b) - a*b.
//
// Definitions (EvoApproxLib's, checked: computed this way every bundled table reproduces the
// figures in its circuit's header to the published precision; see tables/README.md):
//   mae          = mean |err| over all 65536 pairs
//   wce          = max |err|
//   ep_percent   = 100 * (number of pairs with err != 0) / 65536
//   mre_percent  = 100 * mean of |err| / |a*b| over the pairs with a*b != 0 (65025 pairs; pairs
//                  with a zero exact product are left out, not counted as zero)
//   wcre_percent = 100 * max of |err| / |a*b| over the same pairs
//   mse          = mean err^2 over all pairs
//   mean_error   = mean err (signed: the bias that accumulates over a dot product)
//   symmetric    = table(a,b) == table(b,a) for all pairs
// The percentages EvoApprox lists as "MAE%" and "WCE%" are mae and wce over 2^16.
#include "golden/approx/table.h"

namespace tessera::approx {

struct ErrorMetrics {
  double mae = 0.0;
  double wce = 0.0;
  double ep_percent = 0.0;
  double mre_percent = 0.0;
  double wcre_percent = 0.0;
  double mse = 0.0;
  double mean_error = 0.0;
  bool symmetric = true;
};

ErrorMetrics characterize(const MultiplierTable& table);

}  // namespace tessera::approx
