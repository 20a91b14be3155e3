// MultiplierTable: the index convention and construction checks.
#include <gtest/gtest.h>

#include "golden/approx/table.h"
#include "golden/common/error.h"

namespace tessera::approx {
namespace {

TEST(ApproxTable, IndexIsRawTwosComplementBytesActivationHigh) {
  EXPECT_EQ(table_index(0, 0), 0u);
  EXPECT_EQ(table_index(1, 0), 256u);
  EXPECT_EQ(table_index(0, 1), 1u);
  EXPECT_EQ(table_index(-1, 0), 0xFF00u);  // not (a+128)*256
  EXPECT_EQ(table_index(-128, 127), 0x807Fu);
  for (std::size_t i = 0; i < kTableEntries; i += 257) EXPECT_EQ(table_index(port_a_of(i), port_b_of(i)), i);
}

TEST(ApproxTable, WrongSizeIsConfigError) {
  EXPECT_THROW(MultiplierTable("x", std::vector<std::int16_t>(100)), ConfigError);
}

TEST(ApproxTable, FromFunctionWrapsTo16BitsAndKeepsPortOrder) {
  const auto t = MultiplierTable::from_function("t", [](std::int8_t a, std::int8_t b) { return 1000 * a + b + 65536; });
  EXPECT_EQ(t(3, 4), 3004);  // 65536 wrapped away
  EXPECT_EQ(t(4, 3), 4003);
  EXPECT_FALSE(t.is_symmetric());
  EXPECT_FALSE(t.is_exact());
  const auto wrap = MultiplierTable::from_function("w", [](std::int8_t, std::int8_t) { return 40000; });
  EXPECT_EQ(wrap(0, 0), 40000 - 65536);
  const auto exact = MultiplierTable::from_function("e", [](std::int8_t a, std::int8_t b) { return a * b; });
  EXPECT_TRUE(exact.is_exact());
  EXPECT_TRUE(exact.is_symmetric());
}

}  // namespace
}  // namespace tessera::approx
