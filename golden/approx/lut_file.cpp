#include "golden/approx/lut_file.h"

#include <cmath>
#include <cstdio>
#include <system_error>

#include "golden/common/error.h"
#include "golden/io/atomic_file.h"

namespace tessera::approx {
namespace {

// The same products if the file was written big-endian.
std::vector<std::int16_t> byte_swapped(const std::vector<std::int16_t>& products) {
  std::vector<std::int16_t> swapped(products.size());
  for (std::size_t i = 0; i < products.size(); ++i) {
    const auto u = static_cast<std::uint16_t>(products[i]);
    swapped[i] = static_cast<std::int16_t>(static_cast<std::uint16_t>((u << 8) | (u >> 8)));
  }
  return swapped;
}

// The products re-ordered as if the writer used index (a+128)*256 + (b+128) (offset binary).
std::vector<std::int16_t> from_offset_indexing(const std::vector<std::int16_t>& products) {
  std::vector<std::int16_t> reordered(products.size());
  for (std::size_t i = 0; i < kTableEntries; ++i) {
    const int a = port_a_of(i);
    const int b = port_b_of(i);
    reordered[i] = products[static_cast<std::size_t>((a + 128) * 256 + (b + 128))];
  }
  return reordered;
}

std::string format_mae(double mae) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.1f", mae);
  return buffer;
}

}  // namespace

double mean_abs_error_vs_exact(const std::vector<std::int16_t>& products) {
  double sum = 0.0;
  for (std::size_t i = 0; i < kTableEntries; ++i) {
    sum += std::abs(static_cast<double>(products[i]) -
                    static_cast<double>(static_cast<std::int32_t>(port_a_of(i)) * port_b_of(i)));
  }
  return sum / static_cast<double>(kTableEntries);
}

MultiplierTable read_lut_file(const std::filesystem::path& path, const std::string& name) {
  const std::string shown = path.string();
  std::error_code ec;
  const auto status = std::filesystem::status(path, ec);
  if (ec || !std::filesystem::exists(status)) {
    throw InputError(shown + ": multiplier table file not found (expected a .lut file of 65536 "
                             "little-endian int16 products)");
  }
  if (std::filesystem::is_directory(status)) {
    throw InputError(shown + ": is a directory, expected a .lut file of 65536 little-endian int16 "
                             "products");
  }
  const std::string bytes = io::read_file(shown);
  if (bytes.size() != kLutFileBytes) {
    std::string hint;
    if (bytes.size() == 4 * kTableEntries) hint = " (that is 65536 x 4 bytes: int32 entries? convert to int16)";
    if (bytes.size() == kTableEntries) hint = " (that is 65536 x 1 byte: only the low byte of each product?)";
    throw InputError(shown + ": file size: expected 131072 bytes (65536 little-endian int16 products), got " +
                     std::to_string(bytes.size()) + hint);
  }
  std::vector<std::int16_t> products(kTableEntries);
  for (std::size_t i = 0; i < kTableEntries; ++i) {
    const auto lo = static_cast<std::uint8_t>(bytes[2 * i]);
    const auto hi = static_cast<std::uint8_t>(bytes[2 * i + 1]);
    products[i] = static_cast<std::int16_t>(static_cast<std::uint16_t>(lo | (hi << 8)));
  }

  // Likely writer mistakes make the table look like noise against a*b while the intended reading
  // is close to it. Measured on the bundled circuits: read wrongly, byte-swapped files give MAE
  // 14000-16000 and offset-indexed ones about 5500 (the exact table read offset-indexed: 5462),
  // against a true MAE of 0-2016. A legitimate table read another way stays noise, so a reading
  // at least 2x closer to a*b than the file as written is taken as the intended one.
  const double as_read = mean_abs_error_vs_exact(products);
  if (as_read > 0.0) {
    const double swapped = mean_abs_error_vs_exact(byte_swapped(products));
    const double offset = mean_abs_error_vs_exact(from_offset_indexing(products));
    if (swapped * 2.0 < as_read) {
      throw InputError(shown + ": products look byte-swapped: read as little-endian int16 the table's mean "
                       "|error| against a*b is " + format_mae(as_read) + ", read big-endian it is " +
                       format_mae(swapped) + ". Expected little-endian int16; rewrite the file little-endian.");
    }
    if (offset * 2.0 < as_read) {
      throw InputError(shown + ": products look indexed by (a+128)*256+(b+128): with the expected index "
                       "(uint8(a)<<8)|uint8(b) the mean |error| against a*b is " + format_mae(as_read) +
                       ", with the offset index it is " + format_mae(offset) +
                       ". Expected entry (uint8(a)<<8)|uint8(b) (raw two's-complement bytes).");
    }
  }
  return MultiplierTable(name.empty() ? path.stem().string() : name, std::move(products));
}

void write_lut_file(const std::filesystem::path& path, const MultiplierTable& table) {
  std::string bytes(kLutFileBytes, '\0');
  for (std::size_t i = 0; i < kTableEntries; ++i) {
    const auto u = static_cast<std::uint16_t>(table.data()[i]);
    bytes[2 * i] = static_cast<char>(u & 0xFF);
    bytes[2 * i + 1] = static_cast<char>(u >> 8);
  }
  io::write_file_atomically(path.string(), bytes.data(), bytes.size());
}

}  // namespace tessera::approx
