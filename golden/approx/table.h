#pragma once
// A multiplier as the hardware sees it: a 256x256 table of int16 products.
//
// Convention (fixed project-wide, see ARCHITECTURE.md): the activation drives port A, the weight
// port B, and the product of signed 8-bit operands a, b sits at flat index
// (uint8(a) << 8) | uint8(b), i.e. indexed by the raw two's-complement bytes, NOT by a+128.
// Several library circuits are not commutative, so which operand is `a` matters.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace tessera::approx {

inline constexpr std::size_t kTableEntries = 65536;  // 256 x 256 operand pairs

// Flat index of the operand pair (a on port A, b on port B).
constexpr std::size_t table_index(std::int8_t a, std::int8_t b) {
  return (static_cast<std::size_t>(static_cast<std::uint8_t>(a)) << 8) |
         static_cast<std::size_t>(static_cast<std::uint8_t>(b));
}
// The operands a flat index stands for.
constexpr std::int8_t port_a_of(std::size_t index) {
  return static_cast<std::int8_t>(static_cast<std::uint8_t>(index >> 8));
}
constexpr std::int8_t port_b_of(std::size_t index) {
  return static_cast<std::int8_t>(static_cast<std::uint8_t>(index & 0xFF));
}

class MultiplierTable {
 public:
  // `products` must hold exactly 65536 entries in the index order above (ConfigError otherwise).
  MultiplierTable(std::string name, std::vector<std::int16_t> products);

  // Builds a table by evaluating `product(a, b)` on every operand pair. The circuit output is 16
  // bits wide, so the value is taken modulo 2^16 as two's complement (what the wires carry).
  static MultiplierTable from_function(std::string name,
                                       const std::function<std::int32_t(std::int8_t, std::int8_t)>& product);

  const std::string& name() const { return name_; }
  std::int16_t operator()(std::int8_t a, std::int8_t b) const { return products_[table_index(a, b)]; }
  const std::int16_t* data() const { return products_.data(); }
  const std::vector<std::int16_t>& products() const { return products_; }
  // table(a, b) == table(b, a) for every pair; when false, port order changes results.
  bool is_symmetric() const;
  // table(a, b) == a * b for every pair.
  bool is_exact() const;

 private:
  std::string name_;
  std::vector<std::int16_t> products_;
};

}  // namespace tessera::approx
