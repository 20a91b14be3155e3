#pragma once
// Population counts without a library call: Debian's default x86-64 target has no POPCNT
// instruction, so std::bitset::count / __builtin_popcount become a call into libgcc that costs
// more than the rest of a tile's inner loop. The SWAR form compiles to a dozen ALU ops.
#include <cstdint>

namespace tessera::traces::activity {

inline unsigned count_ones(std::uint32_t x) {
  x = x - ((x >> 1) & 0x55555555u);
  x = (x & 0x33333333u) + ((x >> 2) & 0x33333333u);
  x = (x + (x >> 4)) & 0x0F0F0F0Fu;
  return (x * 0x01010101u) >> 24;
}

inline unsigned count_ones(std::uint64_t x) {
  x = x - ((x >> 1) & 0x5555555555555555ULL);
  x = (x & 0x3333333333333333ULL) + ((x >> 2) & 0x3333333333333333ULL);
  x = (x + (x >> 4)) & 0x0F0F0F0F0F0F0F0FULL;
  return static_cast<unsigned>((x * 0x0101010101010101ULL) >> 56);
}

}  // namespace tessera::traces::activity
