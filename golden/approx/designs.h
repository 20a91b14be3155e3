#pragma once
// Parametric approximate multipliers, specified as circuits on signed 8-bit operands so that the
// RTL written later can be proven equal to these tables bit for bit.
//
// All designs output 16 bits; a, b are two's-complement bytes, a on port A (activation), b on port
// B (weight). Bit i of a is a_i (a_7 is the sign bit).
//
// ## Modified Baugh-Wooley array (exact, truncated, broken-array)
// The exact signed product is the sum of 64 partial-product bits p(i,j), i,j in 0..7, each of
// weight 2^(i+j) ("column" i+j), plus two constant ones at columns 8 and 15, modulo 2^16:
//   p(i,j) = a_i AND b_j              when i,j < 7 or i = j = 7
//   p(i,j) = NOT(a_i AND b_j)         when exactly one of i, j is 7 (the negatively weighted bits)
//   product = ( sum_{kept (i,j)} p(i,j) * 2^(i+j) + 2^8 + 2^15 ) mod 2^16, read as int16.
// (Baugh & Wooley, IEEE Trans. Computers C-22(12), 1973; the "modified" form replaces each
// negative term -x*2^n by NOT(x)*2^n - 2^n and folds the -2^n into the two constants.)
// An approximate array keeps a subset of the p(i,j); the constants stay. The designs below only
// ever drop plain AND bits a_i AND b_j with i, j < 7 (columns 0..6 and rows outside the sign
// column): dropping one of the inverted bits, whose value is 1 for zero operands, would make
// 0 * x non-zero. Hence for every design here
//   error = table(a,b) - a*b = -sum_{dropped (i,j)} a_i b_j 2^(i+j)  <= 0,  and 0 * x = 0,
// and no sum wraps past 16 bits (checked exhaustively in the tests).
//
// Note for kernels: since only AND bits with i, j < 7 are ever dropped, an array design is the
// exact product minus at most 7 masked bit-plane products of the weight's bits:
//   table(a, b) = a*b - sum_{j<7} b_j * 2^j * (uint8(a) & 0x7F & ~row_mask[j])
// (checked exhaustively in the tests), so a kernel can compute it from a*b and <= 7 masked
// products instead of a table lookup; row_mask[j] == 0xFF rows cost nothing.
#include <array>
#include <cstdint>

#include "golden/approx/table.h"

namespace tessera::approx {

// Which partial-product bits a Baugh-Wooley array keeps: bit i of row_mask[j] keeps p(i,j).
struct PartialProductArray {
  std::array<std::uint8_t, 8> row_mask{0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF};
  bool keeps(int i, int j) const { return (row_mask[static_cast<std::size_t>(j)] >> i) & 1u; }
};

// The array's 16-bit output for operands a, b (as int16 in an int32).
std::int32_t baugh_wooley_product(const PartialProductArray& array, std::int8_t a, std::int8_t b);

// exact: all 64 bits kept; equals a*b for every pair.
PartialProductArray exact_array();

// trunc<k>: truncated partial-product multiplier without compensation; drops every p(i,j) in the
// k least significant columns (i + j < k). k in [0, 7]. Error = -(sum of dropped bits), so
// error in [-((k-1)*2^k + 1), 0] (column c < 7 holds c+1 bits; sum_{c<k} (c+1) 2^c), the minimum
// reached when the low k bits of both operands are ones (e.g. 127 x 127).
PartialProductArray truncated_array(int k);

// bam_h<h>_v<v>: broken-array multiplier (H. R. Mahdiani, A. Ahmadi, S. M. Fakhraie and C. Lucas,
// "Bio-Inspired Imprecise Computational Blocks for Efficient VLSI Implementation of Soft-Computing
// Applications", IEEE Trans. Circuits Syst. I 57(4):850-862, 2010). The carry-save array is
// "broken" by a horizontal break level HBL = h (the h least significant partial-product rows, those
// of b_0..b_{h-1}, are omitted) and a vertical break level VBL = v (every cell in the v least
// significant columns is omitted). Here on the modified Baugh-Wooley array:
// p(i,j) is dropped when i < 7 and (j < h or i + j < v); the sign column i = 7 is kept (see above).
// h in [0, 7], v in [0, 7]. Closed forms: bam_h0_v<k> = trunc<k>;
// bam_h<h>_v0 error = -(a mod 128) * (b mod 2^h)  (a's low 7 bits times b's low h bits).
PartialProductArray broken_array(int h, int v);

// drum<k>: DRUM (S. Hashemi, R. I. Bahar and S. Reda, "DRUM: A Dynamic Range Unbiased Multiplier
// for Approximate Applications", ICCAD 2015) on a sign-magnitude wrapper:
//   m = |x| (0..128, 8-bit unsigned). If m < 2^k, m' = m (fits in k bits: exact). Otherwise, with
//   t = position of m's leading one and s = t - k + 1: m' = ((m >> s) | 1) << s, i.e. keep the k
//   bits from the leading one down, force the lowest kept bit to 1 (the unbiasing step) and drop
//   the rest. product = sign(a)*sign(b) * m'_a * m'_b (a k x k unsigned multiplier plus shifter).
// Each m' is within a relative 2^-(k-1) of m. k in [3, 8] (k = 8 is exact; k < 3 overflows 16 bits).
std::int32_t drum_product(int k, std::int8_t a, std::int8_t b);

// mitchell: Mitchell's logarithmic multiplier (J. N. Mitchell, "Computer Multiplication and
// Division Using Binary Logarithms", IRE Trans. Electronic Computers EC-11(4):512-517, 1962) on a
// sign-magnitude wrapper, in integer form (exact, no rounding):
//   for magnitudes m1, m2 > 0 with leading-one positions k1, k2 and mantissas f1 = m1 - 2^k1,
//   f2 = m2 - 2^k2:  S = f1*2^k2 + f2*2^k1;
//   |product| = 2^(k1+k2) + S       when S <  2^(k1+k2)   (x1 + x2 < 1)
//   |product| = 2 * S               otherwise             (2^(k1+k2+1) * (x1 + x2))
//   product = 0 when either operand is 0; sign = sign(a)*sign(b).
// Never over-estimates the magnitude (error >= 0 for negative products, <= 0 for positive ones);
// exact when an operand is a power of two; relative error <= 1/9 (11.1 %), reached at 3 x 3.
std::int32_t mitchell_product(std::int8_t a, std::int8_t b);

// Tables of the designs, named as the catalog names them (exact, trunc<k>, bam_h<h>_v<v>,
// drum<k>, mitchell). Parameters out of range throw ConfigError.
MultiplierTable exact_multiplier();
MultiplierTable truncated_multiplier(int k);
MultiplierTable broken_array_multiplier(int h, int v);
MultiplierTable drum_multiplier(int k);
MultiplierTable mitchell_multiplier();
MultiplierTable array_multiplier(std::string name, const PartialProductArray& array);

}  // namespace tessera::approx
