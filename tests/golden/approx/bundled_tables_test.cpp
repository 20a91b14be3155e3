// The 8 shipped EvoApproxLib tables: they load, and measured over all 65,536 operand pairs they
// reproduce the figures EvoApproxLib publishes in each circuit's header (copied to index.json).
#include <gtest/gtest.h>

#include <cmath>

#include "golden/approx/catalog.h"
#include "golden/approx/metrics.h"

namespace tessera::approx {
namespace {

// The published numbers are rounded (e.g. MAE 1.25 is published as 1.2, MSE 2746.25 as 2746,
// 7282910.25 as 7282910.2). The precision is the number of decimals the published figure shows;
// a measured value agrees when it lies within half a unit of that last decimal (inclusive: the
// library rounds exact ties like 1.25 either way).
int published_decimals(double published) {
  for (int d = 0; d <= 6; ++d) {
    const double scaled = published * std::pow(10.0, d);
    if (std::fabs(scaled - std::round(scaled)) < 1e-6 * std::max(1.0, std::fabs(scaled))) return d;
  }
  return 6;
}

void expect_agrees(const char* metric, const std::string& name, double measured, double published) {
  const double half_unit = 0.5 * std::pow(10.0, -published_decimals(published));
  EXPECT_LE(std::fabs(measured - published), half_unit * (1.0 + 1e-9))
      << name << " " << metric << ": measured " << measured << ", published " << published;
}

TEST(ApproxBundledTables, IndexListsTheEightShippedCircuits) {
  const auto& all = bundled_multipliers();
  ASSERT_EQ(all.size(), 8u);
  EXPECT_EQ(all.front().name, "mul8s_1KV8");
  EXPECT_TRUE(all.front().exact);
  EXPECT_DOUBLE_EQ(all.front().power_mw_pdk45, 0.425);
  ASSERT_TRUE(find_bundled("mul8s_1L2H").has_value());
  EXPECT_DOUBLE_EQ(find_bundled("mul8s_1L2H")->power_mw_pdk45, 0.301);
  EXPECT_FALSE(find_bundled("mul8s_1KV6").has_value());  // a v2022 name: not bundled
}

TEST(ApproxBundledTablesExhaustive, ReproducePublishedMetrics) {
  for (const auto& published : bundled_multipliers()) {
    const ErrorMetrics m = characterize(load_multiplier(published.name));
    expect_agrees("MAE", published.name, m.mae, published.mae);
    EXPECT_EQ(m.wce, published.wce) << published.name;  // an integer: no rounding
    expect_agrees("EP%", published.name, m.ep_percent, published.ep_percent);
    expect_agrees("MRE%", published.name, m.mre_percent, published.mre_percent);
    expect_agrees("WCRE%", published.name, m.wcre_percent, published.wcre_percent);
    expect_agrees("MSE", published.name, m.mse, published.mse);
    EXPECT_EQ(m.symmetric, published.symmetric) << published.name;
  }
}

TEST(ApproxBundledTablesExhaustive, MreLeavesOutZeroProductsAsEvoApproxDoes) {
  // Counting the 511 pairs with a*b = 0 as relative error 0 would give 4.378 % for 1L2H, which
  // does not round to the published 4.41 %; leaving them out gives 4.412 %.
  const ErrorMetrics m = characterize(load_multiplier("mul8s_1L2H"));
  EXPECT_NEAR(m.mre_percent, 4.41197, 1e-4);
  EXPECT_NEAR(m.mre_percent * 65025.0 / 65536.0, 4.37757, 1e-4);
}

TEST(ApproxBundledTablesExhaustive, ExactCircuitEqualsProductEverywhere) {
  const auto t = load_multiplier("mul8s_1KV8");
  for (int a = -128; a < 128; ++a) {
    for (int b = -128; b < 128; ++b) {
      ASSERT_EQ(t(static_cast<std::int8_t>(a), static_cast<std::int8_t>(b)), a * b) << a << " x " << b;
    }
  }
}

TEST(ApproxBundledTablesExhaustive, MeanErrorsMatchTheResearchNote) {
  // Exhaustive mean errors computed independently in research/mul8s_table.md.
  const std::vector<std::pair<std::string, double>> expected = {
      {"mul8s_1KVA", -1.25}, {"mul8s_1KVB", -4.25}, {"mul8s_1KR6", -2.25}, {"mul8s_1L2H", 0.75},
      {"mul8s_1L2D", 3.75},  {"mul8s_1L1G", 15.75}, {"mul8s_1KR3", 15.75}};
  for (const auto& [name, mean] : expected) EXPECT_DOUBLE_EQ(characterize(load_multiplier(name)).mean_error, mean) << name;
}

TEST(ApproxBundledTables, NonSymmetricCircuitsReallyDependOnPortOrder) {
  const auto t = load_multiplier("mul8s_1KR6");
  int differing = 0;
  for (int a = -128; a < 128; ++a) {
    for (int b = -128; b < 128; ++b) {
      differing += t(static_cast<std::int8_t>(a), static_cast<std::int8_t>(b)) !=
                   t(static_cast<std::int8_t>(b), static_cast<std::int8_t>(a));
    }
  }
  EXPECT_GT(differing, 0);
}

}  // namespace
}  // namespace tessera::approx
