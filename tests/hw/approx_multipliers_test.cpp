// Every parametric multiplier of hw/approx, verilated, on all 65,536 operand pairs, against
// golden's table (golden/approx/designs.h). One model (tests/hw/rtl/tessera_mul8s_all.sv) holds
// them all; one sweep fills an RTL table per design, then each design is compared.
#include <gtest/gtest.h>

#include <cstdint>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "Vtessera_mul8s_all.h"
#include "golden/approx/designs.h"
#include "golden/approx/table.h"
#include "verilated.h"

namespace {

using tessera::approx::kTableEntries;
using tessera::approx::MultiplierTable;

struct RtlTables {
  std::vector<std::int16_t> exact, mitchell;
  std::vector<std::vector<std::int16_t>> trunc, drum;
  std::vector<std::vector<std::vector<std::int16_t>>> bam;
};

const RtlTables& rtl_tables() {
  static const RtlTables tables = [] {
    RtlTables t;
    auto table = [] { return std::vector<std::int16_t>(kTableEntries); };
    t.exact = table();
    t.mitchell = table();
    t.trunc.assign(8, table());
    t.drum.assign(6, table());
    t.bam.assign(8, std::vector<std::vector<std::int16_t>>(8, table()));
    auto context = std::make_unique<VerilatedContext>();
    auto model = std::make_unique<Vtessera_mul8s_all>(context.get());
    for (std::size_t index = 0; index < kTableEntries; ++index) {
      model->a_i = static_cast<std::uint8_t>(index >> 8);
      model->b_i = static_cast<std::uint8_t>(index & 0xFF);
      model->eval();
      t.exact[index] = static_cast<std::int16_t>(model->exact_o);
      t.mitchell[index] = static_cast<std::int16_t>(model->mitchell_o);
      for (int k = 0; k <= 7; ++k) t.trunc[k][index] = static_cast<std::int16_t>(model->trunc_o[k]);
      for (int k = 3; k <= 8; ++k) t.drum[k - 3][index] = static_cast<std::int16_t>(model->drum_o[k - 3]);
      for (int h = 0; h <= 7; ++h) {
        for (int v = 0; v <= 7; ++v) t.bam[h][v][index] = static_cast<std::int16_t>(model->bam_o[h][v]);
      }
    }
    model->final();
    return t;
  }();
  return tables;
}

// Compares all pairs; on a mismatch, reports the first failing vector in full.
::testing::AssertionResult tables_equal(const MultiplierTable& golden,
                                        const std::vector<std::int16_t>& rtl) {
  for (std::size_t index = 0; index < kTableEntries; ++index) {
    if (golden.data()[index] != rtl[index]) {
      const int a = tessera::approx::port_a_of(index);
      const int b = tessera::approx::port_b_of(index);
      return ::testing::AssertionFailure()
             << golden.name() << ": first mismatch at index " << index << " (A = " << a
             << " = 0x" << std::hex << (index >> 8) << ", B = " << std::dec << b << " = 0x"
             << std::hex << (index & 0xFF) << std::dec << "): RTL " << rtl[index] << ", golden "
             << golden.data()[index] << ", exact a*b = " << a * b;
    }
  }
  return ::testing::AssertionSuccess();
}

TEST(HwApproxMultipliers, ExactEqualsGoldenAndTrueProduct) {
  EXPECT_TRUE(tables_equal(tessera::approx::exact_multiplier(), rtl_tables().exact));
  for (std::size_t index = 0; index < kTableEntries; ++index) {
    ASSERT_EQ(rtl_tables().exact[index],
              tessera::approx::port_a_of(index) * tessera::approx::port_b_of(index))
        << "index " << index;
  }
}

TEST(HwApproxMultipliers, TruncatedEqualsGoldenForEveryK) {
  for (int k = 0; k <= 7; ++k) {
    EXPECT_TRUE(tables_equal(tessera::approx::truncated_multiplier(k), rtl_tables().trunc[k]));
  }
}

TEST(HwApproxMultipliers, BrokenArrayEqualsGoldenForEveryHV) {
  for (int h = 0; h <= 7; ++h) {
    for (int v = 0; v <= 7; ++v) {
      EXPECT_TRUE(tables_equal(tessera::approx::broken_array_multiplier(h, v), rtl_tables().bam[h][v]));
    }
  }
}

TEST(HwApproxMultipliers, DrumEqualsGoldenForEveryK) {
  for (int k = 3; k <= 8; ++k) {
    EXPECT_TRUE(tables_equal(tessera::approx::drum_multiplier(k), rtl_tables().drum[k - 3]));
  }
}

TEST(HwApproxMultipliers, MitchellEqualsGolden) {
  EXPECT_TRUE(tables_equal(tessera::approx::mitchell_multiplier(), rtl_tables().mitchell));
}

// The harness itself must be able to fail: a table that differs in one entry is reported.
TEST(HwApproxMultipliers, ComparisonReportsTheFirstMismatch) {
  std::vector<std::int16_t> wrong = rtl_tables().exact;
  wrong[tessera::approx::table_index(-3, 5)] += 1;
  const auto result = tables_equal(tessera::approx::exact_multiplier(), wrong);
  ASSERT_FALSE(result);
  EXPECT_NE(std::string(result.message()).find("A = -3"), std::string::npos) << result.message();
}

}  // namespace
