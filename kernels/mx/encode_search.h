#pragma once
// Deterministic MX encoding of FP4, FP6 and INT8 as a search among the boundaries between
// adjacent codes, bit-identical to golden's encode_element (encode.h's encode_deterministic) for
// finite values under a non-NaN block scale.
//
// Why it is exact: for a fixed rounding (nearest_even, nearest_away, toward_zero) and saturation,
// golden's code for |V| / 2^X is a non-decreasing step function of |V|: code >= c exactly when
// |V| >= T_c * 2^X, or > T_c * 2^X where a tie goes down. T_c is the midpoint of the magnitudes
// of codes c-1 and c (toward_zero: the magnitude of c). Each boundary and its tie direction are
// read off golden's own encoder at X = 0 (T_c, and one float either side), not derived by hand.
//
// FP4 / FP6 (at most 32 codes): T_c has at most mantissa_bits + 2 significant bits, so T_c * 2^X
// is an FP32 number for every scale X in [-127, 127] (checked once per encoder; past FP32's range
// it is +Inf, which no finite |V| reaches). Non-negative floats order like their bit patterns, so
// a binary search compares integer bits: no FP arithmetic, no MXCSR.
//
// INT8 (128 codes, too many for the table): the boundaries read off golden are checked to be the
// uniform ones, T_c = (c - 1/2) 2^-6 (toward_zero: c 2^-6) with ties to the even code, up or down
// as the rounding says. Then the search is one rounding: the magnitude code is
// round(|V| 2^(6-X)) saturated at 127, and a negative value takes (256 - n) & 0xFF (also checked,
// with -0, a negative value rounding to 0 and -FLT_MAX). |V| 2^(6-X) is an exact FP32 number
// wherever it is normal (a change of exponent) and below 2^-126, far under the first boundary 1/2,
// where it is not; every rounding carries its mode in the instruction, so MXCSR plays no part.
//
// FP8 (E4M3 / E5M2, 124-127 codes): the boundaries read off golden are checked to be IEEE-style
// rounding's: T_c the midpoint of codes c-1 and c (toward_zero: c), ties to the even code, the
// step past the max (max + half a quantum; toward_zero: a whole one) to golden's overflow code,
// and a negative value's code the positive one with the sign bit. Then q = |V| 2^-X (scalef,
// exact where q is a normal FP32 number) is rounded on its FP32 bits: adding half a kept unit
// (ties to even: half minus one plus the kept lsb) and dropping 23 - mantissa_bits bits rounds the
// mantissa and carries into the exponent, so (bits >> drop) - ((127 - bias) << mantissa_bits) is
// the code. Below 2^emin the quantum is fixed, 2^lsb_exponent: the code is the integer
// round(|V| 2^(-lsb_exponent - X)), as INT8's. q below 2^-126 (not exact) is under 2^-17, far
// below half the smallest subnormal, and every rounding gives it code 0 (checked at X = 127).
#include <cstddef>
#include <cstdint>

#include "golden/mx/element_format.h"
#include "golden/mx/policy.h"

namespace tessera::kernels {

class SearchEncoder {
 public:
  // usable() is true for every format under nearest_even, nearest_away and toward_zero in an
  // AVX-512 build (vectorized()) once golden's boundaries are as described above; otherwise
  // (stochastic rounding; a portable build) encode_block is encode_deterministic_block.
  // Golden's boundaries are read (and the premises checked) once per format, rounding, overflow
  // and subnormal policy in the process (INT8 / FP8: ~400 golden calls, ~10 us) and copied from
  // then on.
  SearchEncoder(mx::ElementFormat format, const mx::QuantizePolicy& policy);
  bool usable() const { return method_ != Method::golden_steps; }
  static bool vectorized();  // the search was compiled in (AVX-512 F/BW/DQ)

  // `count` elements of one block under `scale_byte` (not 0xFF), deterministic rounding, 16 at a
  // time; a group of 16 holding a non-finite value takes the scalar encoder.
  void encode_block(const float* values, std::size_t count, std::uint8_t scale_byte, std::uint8_t* codes) const;

  // The blocks of a run of `count` elements (a row, or part of one), block b holding elements
  // [b * block_size, min((b + 1) * block_size, count)) under scales[b]; blocks whose scale is
  // 0xFF (NaN) are left alone for the caller. One call per run keeps the per-block cost to the
  // block's own constants (at 32 elements a block, a call per block was ~30 % of INT8's time).
  void encode_blocks(const float* values, std::size_t count, std::size_t block_size, const std::uint8_t* scales,
                     std::uint8_t* codes) const;

 private:
  struct ReadOffGolden {};
  SearchEncoder(mx::ElementFormat format, const mx::QuantizePolicy& policy, ReadOffGolden);
  static const SearchEncoder& read_once(mx::ElementFormat format, const mx::QuantizePolicy& policy);

  void encode_by_table(const float* values, std::size_t count, std::size_t block_size, const std::uint8_t* scales,
                       std::uint8_t* codes) const;
  void encode_uniform(const float* values, std::size_t count, std::size_t block_size, const std::uint8_t* scales,
                      std::uint8_t* codes) const;
  void encode_fp8(const float* values, std::size_t count, std::size_t block_size, const std::uint8_t* scales,
                  std::uint8_t* codes) const;

  static constexpr int kTableSize = 32;  // codes 0..31 (FP6); FP4 uses the first 8
  mx::ElementFormat format_;
  mx::QuantizePolicy policy_;
  mx::ElementSpec spec_;
  enum class Method {
    golden_steps,  // not usable: encode_deterministic_block
    table,         // FP4 / FP6: the boundary search
    uniform,       // INT8: boundaries every 2^-6, the code is a rounding (no table)
    fp8_bits,      // FP8: q's FP32 bits rounded to the format's mantissa (no table)
  };
  Method method_ = Method::golden_steps;
  std::uint8_t fp8_overflow_code_ = 0;  // golden's positive code past the max (saturate: max_code)
  int search_steps_ = 0;  // log2 of the table size in use
  // boundary_bits_[c]: FP32 bits of T_c at X = 0 (c >= 1; entry 0 unused);
  // tie_down_[c]: 1 where |V| == T_c * 2^X still gets code c-1.
  std::uint32_t boundary_bits_[kTableSize] = {};
  std::uint32_t tie_down_[kTableSize] = {};
};

}  // namespace tessera::kernels
