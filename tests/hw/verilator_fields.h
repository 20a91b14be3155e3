#pragma once
// Reading and writing bit fields of Verilator's flat ports: a packed vector is an integer up to
// 64 bits and a VlWide<N> (N 32-bit words) above.
#include <cstddef>
#include <cstdint>
#include <type_traits>

#include "verilated.h"

namespace tessera::hw_test {

template <typename T, std::enable_if_t<std::is_integral_v<T>, int> = 0>
void put_field(T& port, int lsb, int width, std::uint32_t value) {
  const std::uint64_t mask = (width >= 64 ? ~0ull : ((1ull << width) - 1)) << lsb;
  port = static_cast<T>((static_cast<std::uint64_t>(port) & ~mask) |
                        ((static_cast<std::uint64_t>(value) << lsb) & mask));
}

template <std::size_t N>
void put_field(VlWide<N>& port, int lsb, int width, std::uint32_t value) {
  for (int i = 0; i < width; ++i) {
    const int bit = lsb + i;
    const std::uint32_t one = 1u << (bit % 32);
    if ((value >> i) & 1u) {
      port[bit / 32] |= one;
    } else {
      port[bit / 32] &= ~one;
    }
  }
}

template <typename T, std::enable_if_t<std::is_integral_v<T>, int> = 0>
std::uint32_t get_field(const T& port, int lsb, int width) {
  return static_cast<std::uint32_t>((static_cast<std::uint64_t>(port) >> lsb) &
                                    (width >= 32 ? 0xFFFFFFFFull : ((1ull << width) - 1)));
}

template <std::size_t N>
std::uint32_t get_field(const VlWide<N>& port, int lsb, int width) {
  std::uint32_t value = 0;
  for (int i = 0; i < width; ++i) {
    const int bit = lsb + i;
    value |= ((port[bit / 32] >> (bit % 32)) & 1u) << i;
  }
  return value;
}

}  // namespace tessera::hw_test
