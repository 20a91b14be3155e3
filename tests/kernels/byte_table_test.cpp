// 256-entry byte tables over whole arrays (kernels/common/byte_table.h) against the plain loop:
// every code, lengths around the 64-code step (0, 1, 63, 64, 65, 1000), sums that wrap modulo 2^32.
#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <vector>

#include "kernels/common/byte_table.h"

namespace tessera::kernels {
namespace {

std::vector<std::int8_t> random_codes(std::size_t count, std::uint32_t seed) {
  std::mt19937 gen(seed);
  std::vector<std::int8_t> codes(count);
  for (auto& c : codes) c = static_cast<std::int8_t>(gen());
  return codes;
}

TEST(ByteTable, ApplyEqualsTheLoopOnEveryLength) {
  std::mt19937 gen(3);
  std::uint8_t table[256];
  for (auto& t : table) t = static_cast<std::uint8_t>(gen());
  for (const std::size_t count : {0, 1, 63, 64, 65, 256, 1000}) {
    std::vector<std::int8_t> codes = random_codes(count, static_cast<std::uint32_t>(count));
    if (count == 256) {
      for (std::size_t i = 0; i < 256; ++i) codes[i] = static_cast<std::int8_t>(i);  // every code once
    }
    std::vector<std::uint8_t> got(count + 1, 0x5A);
    apply_byte_table(table, codes.data(), count, got.data());
    for (std::size_t i = 0; i < count; ++i) ASSERT_EQ(got[i], table[static_cast<std::uint8_t>(codes[i])]) << "length " << count << " at " << i;
    EXPECT_EQ(got[count], 0x5A) << "length " << count << ": wrote past the end";
  }
}

TEST(ByteTable, SumEqualsTheLoopModulo2To32) {
  std::mt19937 gen(4);
  std::uint32_t table[256];
  for (auto& t : table) t = gen();
  std::uint32_t extremes[256];
  for (std::size_t c = 0; c < 256; ++c) extremes[c] = c % 2 ? 0xFFFFFFFFu : 0x80000001u;
  // Tables of bytes, of 16 and of 24 bits (the sum reads only the planes the entries use).
  std::uint32_t bytes[256], halves[256], three_bytes[256];
  for (std::size_t c = 0; c < 256; ++c) {
    bytes[c] = c % 3 ? 0xFFu : static_cast<std::uint32_t>(c);
    halves[c] = c % 5 ? 0xFFFFu : static_cast<std::uint32_t>(c) << 8;
    three_bytes[c] = c % 7 ? 0xFFFFFFu : static_cast<std::uint32_t>(c);
  }
  for (const std::uint32_t* values : {static_cast<const std::uint32_t*>(table), static_cast<const std::uint32_t*>(extremes),
                                      static_cast<const std::uint32_t*>(bytes), static_cast<const std::uint32_t*>(halves),
                                      static_cast<const std::uint32_t*>(three_bytes)}) {
    for (const std::size_t count : {0, 1, 63, 64, 65, 1000, 70000}) {
      const std::vector<std::int8_t> codes = random_codes(count, static_cast<std::uint32_t>(count) + 9);
      std::uint32_t expected = 0;
      for (const std::int8_t c : codes) expected += values[static_cast<std::uint8_t>(c)];
      EXPECT_EQ(sum_through_table(values, codes.data(), count), expected) << "length " << count;
    }
  }
}

}  // namespace
}  // namespace tessera::kernels
