#include "golden/approx/table.h"

#include <utility>

#include "golden/common/error.h"

namespace tessera::approx {

MultiplierTable::MultiplierTable(std::string name, std::vector<std::int16_t> products)
    : name_(std::move(name)), products_(std::move(products)) {
  if (products_.size() != kTableEntries) {
    throw ConfigError("multiplier table '" + name_ + "': expected 65536 products (256 x 256), got " +
                      std::to_string(products_.size()));
  }
}

MultiplierTable MultiplierTable::from_function(
    std::string name, const std::function<std::int32_t(std::int8_t, std::int8_t)>& product) {
  std::vector<std::int16_t> products(kTableEntries);
  for (std::size_t i = 0; i < kTableEntries; ++i) {
    const std::int32_t value = product(port_a_of(i), port_b_of(i));
    // Keep the low 16 bits, read as two's complement: a 16-bit output bus wraps.
    products[i] = static_cast<std::int16_t>(static_cast<std::uint16_t>(static_cast<std::uint32_t>(value) & 0xFFFFu));
  }
  return MultiplierTable(std::move(name), std::move(products));
}

bool MultiplierTable::is_symmetric() const {
  for (int a = 0; a < 256; ++a) {
    for (int b = a + 1; b < 256; ++b) {
      if (products_[(a << 8) | b] != products_[(b << 8) | a]) return false;
    }
  }
  return true;
}

bool MultiplierTable::is_exact() const {
  for (std::size_t i = 0; i < kTableEntries; ++i) {
    if (products_[i] != static_cast<std::int32_t>(port_a_of(i)) * port_b_of(i)) return false;
  }
  return true;
}

}  // namespace tessera::approx
