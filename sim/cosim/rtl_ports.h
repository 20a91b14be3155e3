#pragma once
// Bit-field access to the ports of a Verilator model. Verilator maps a port of up to 64 bits to an
// integer type and a wider one to VlWide<N> (N 32-bit words, least significant first); the drivers
// address fields of both by (lsb, width) without caring which one a parameter choice produced.
#include <cstddef>
#include <cstdint>
#include <type_traits>

#include "verilated.h"

namespace tessera::cosim {

template <typename Port, std::enable_if_t<std::is_integral_v<Port>, int> = 0>
void put_field(Port& port, int lsb, int width, std::uint32_t value) {
  const std::uint64_t mask = ((width >= 64) ? ~0ull : ((1ull << width) - 1)) << lsb;
  port = static_cast<Port>((static_cast<std::uint64_t>(port) & ~mask) |
                           ((static_cast<std::uint64_t>(value) << lsb) & mask));
}

template <std::size_t Words>
void put_field(VlWide<Words>& port, int lsb, int width, std::uint32_t value) {
  for (int i = 0; i < width; ++i) {
    const int bit = lsb + i;
    const std::uint32_t mask = 1u << (bit % 32);
    if ((value >> i) & 1u) {
      port[bit / 32] |= mask;
    } else {
      port[bit / 32] &= ~mask;
    }
  }
}

template <typename Port, std::enable_if_t<std::is_integral_v<Port>, int> = 0>
std::uint32_t get_field(const Port& port, int lsb, int width) {
  return static_cast<std::uint32_t>((static_cast<std::uint64_t>(port) >> lsb) & ((1ull << width) - 1));
}

template <std::size_t Words>
std::uint32_t get_field(const VlWide<Words>& port, int lsb, int width) {
  std::uint32_t value = 0;
  for (int i = 0; i < width; ++i) {
    value |= ((port[(lsb + i) / 32] >> ((lsb + i) % 32)) & 1u) << i;
  }
  return value;
}

// Word-aligned 32-bit fields (word w = bits [32w +: 32]): one store or load instead of a loop over
// bits, for the wide data ports of the optical periphery.
template <typename Port, std::enable_if_t<std::is_integral_v<Port>, int> = 0>
void put_word(Port& port, int word, std::uint32_t value) {
  put_field(port, 32 * word, 32, value);
}

template <std::size_t Words>
void put_word(VlWide<Words>& port, int word, std::uint32_t value) {
  port[word] = value;
}

template <typename Port, std::enable_if_t<std::is_integral_v<Port>, int> = 0>
std::uint32_t get_word(const Port& port, int word) {
  return get_field(port, 32 * word, 32);
}

template <std::size_t Words>
std::uint32_t get_word(const VlWide<Words>& port, int word) {
  return port[word];
}

}  // namespace tessera::cosim
