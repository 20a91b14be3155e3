#pragma once
// Deterministic MX encoding of the small float formats (FP4, FP6) as a search among the
// boundaries between adjacent codes, bit-identical to golden's encode_element (encode.h's
// encode_deterministic) for finite values under a non-NaN block scale.
//
// Why it is exact: for a fixed rounding (nearest_even, nearest_away, toward_zero) and saturation,
// golden's code for |V| / 2^X is a non-decreasing step function of |V|: code >= c exactly when
// |V| >= T_c * 2^X, or > T_c * 2^X where a tie goes down. T_c is the midpoint of the magnitudes
// of codes c-1 and c (toward_zero: the magnitude of c) and has at most mantissa_bits + 2
// significant bits, so T_c * 2^X is an FP32 number for every scale X in [-127, 127] (checked
// once per encoder; past FP32's range it is +Inf, which no finite |V| reaches). Non-negative
// floats order like their bit patterns, so the comparisons are integer compares of bits: no
// FP arithmetic, no MXCSR. Each boundary and its tie direction are read off golden's own
// encoder at X = 0 (T_c, and one float either side), not derived by hand.
#include <cstddef>
#include <cstdint>

#include "golden/mx/element_format.h"
#include "golden/mx/policy.h"

namespace tessera::kernels {

class SearchEncoder {
 public:
  // usable() is true for FP4 / FP6 under nearest_even, nearest_away and toward_zero in an
  // AVX-512 build (vectorized()); otherwise (INT8, FP8: too many codes; stochastic rounding; a
  // portable build) encode_block is encode_deterministic_block.
  SearchEncoder(mx::ElementFormat format, const mx::QuantizePolicy& policy);
  bool usable() const { return usable_; }
  static bool vectorized();  // the search was compiled in (AVX-512 F/BW/DQ)

  // `count` elements of one block under `scale_byte` (not 0xFF), deterministic rounding, 16 at a
  // time; a group of 16 holding a non-finite value takes the scalar encoder.
  void encode_block(const float* values, std::size_t count, std::uint8_t scale_byte, std::uint8_t* codes) const;

 private:
  static constexpr int kTableSize = 32;  // codes 0..31 (FP6); FP4 uses the first 8
  mx::ElementFormat format_;
  mx::QuantizePolicy policy_;
  mx::ElementSpec spec_;
  bool usable_ = false;
  int search_steps_ = 0;  // log2 of the table size in use
  // boundary_bits_[c]: FP32 bits of T_c at X = 0 (c >= 1; entry 0 unused);
  // tie_down_[c]: 1 where |V| == T_c * 2^X still gets code c-1.
  std::uint32_t boundary_bits_[kTableSize] = {};
  std::uint32_t tie_down_[kTableSize] = {};
};

}  // namespace tessera::kernels
