#pragma once
// RNE_fp32(acc + t) for a float accumulator and a double term t, rounded ONCE, on host and
// device: the exact sum is acc + t = s + e (TwoSum, exact), s is moved to round-to-odd (the odd
// one of s and its neighbour toward the exact sum), and round-to-odd in 53 bits followed by one
// RNE conversion to 24 bits is correctly rounded (53 >= 24 + 2). Valid while acc + t does not
// overflow double (always, for MX block terms). Equals golden mx::add_and_round(acc, t) when t is
// the exact block value; signed zeros of zero terms are the caller's business.
#include <cstdint>
#include <cstring>

#include "golden/common/host_device.h"

namespace tessera::kernels {

TESSERA_HOST_DEVICE inline float add_round_once(float acc, double t) {
#if defined(__CUDA_ARCH__)
  const double a = static_cast<double>(acc);
  const double s = __dadd_rn(a, t);
  const double bb = __dsub_rn(s, a);
  const double e = __dadd_rn(__dsub_rn(a, __dsub_rn(s, bb)), __dsub_rn(t, bb));
#else
  const double a = static_cast<double>(acc);
  const double s = a + t;
  const double bb = s - a;
  const double e = (a - (s - bb)) + (t - bb);
#endif
  if (e == 0.0 || s != s || s - s != 0.0) return static_cast<float>(s);  // exact, NaN or Inf
  std::uint64_t bits;
  std::memcpy(&bits, &s, sizeof bits);
  if ((bits & 1u) == 0) {
    // Step one ulp toward the exact sum: away from zero when e has s's sign, else toward zero.
    bits = ((s > 0.0) == (e > 0.0)) ? bits + 1 : bits - 1;
  }
  double odd;
  std::memcpy(&odd, &bits, sizeof odd);
  return static_cast<float>(odd);
}

}  // namespace tessera::kernels
