#pragma once
// A multiplier table that is odd in its column operand b (the one the gather path looks up by):
//   table(a, -b) = -table(a, b) for b in -127..127 (so table(a, 0) = 0),
// with every row of one sign over b in 1..127. Sign-magnitude designs (Mitchell, DRUM, most
// logarithmic multipliers) are. Such a table needs only its entries for b in 0..127 (2 vpermb per
// 64 lookups and plane instead of 4): with s(b) = [b < 0] and f(a) = [row a is negative],
//   bytes(a, i)  = |table(a, i)|, bitwise NOT in a negative row        (i in 0..127)
//   looked up    = bytes(a, |b|) XOR (s(b) ? all ones : 0)
//                = |table(a, b)| where f(a) == s(b), else its NOT, 2^(8 planes) - 1 - |table(a, b)|
// and table(a, b) = looked up - (2^(8 planes) - 1) * (f(a) XOR s(b)): the kernel sums the
// looked-up bytes and subtracts (2^(8 planes) - 1) * sum_k (f XOR s) = F_row + S_column - 2 f.s,
// one 0/1 integer GEMM. b = -128 (no partner) reads as magnitude 0, sign negative (contributing
// 0) and table(a, -128) is added per step that holds it (symmetric int8 data never does).
// Every part is an integer, so it is exact; the split is rebuilt and compared on all 65,536
// entries before use.
#include <array>
#include <cstdint>
#include <optional>
#include <vector>

namespace tessera::kernels {

struct SignedSplit {
  int planes = 0;                                 // 1 when every |table(a, b)| <= 255, else 2
  std::array<std::uint8_t, 256> negative_row{};   // f(a), by uint8(a)
  std::vector<std::uint8_t> low, high;            // bytes(a, i) per plane, entry uint8(a) * 128 + i
  std::array<std::int32_t, 256> at_minus_128{};   // table(a, -128), by uint8(a)
  std::int32_t not_value() const { return planes == 1 ? 0xFF : 0xFFFF; }  // 2^(8 planes) - 1
};

// The signed split of the 65,536-entry table (entry (uint8(a) << 8) | uint8(b)), or nothing when
// the table is not odd in b with rows of one sign. Throws std::logic_error if the rebuilt table
// differs (a bug, never an input problem).
std::optional<SignedSplit> split_signed(const std::int16_t* lut);

}  // namespace tessera::kernels
