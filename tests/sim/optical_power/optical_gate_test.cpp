// The optical periphery's netlists (hw/optical DAC, ADC, psum on sky130, structure kept) replayed
// element by element: every result equals golden (optical_gate_level throws on any difference),
// on uniform vectors and on the elements the bundled CNN's optical layer really feeds them. The
// DAC/ADC netlists are cached in the build tree after the first synthesis.
#include <gtest/gtest.h>

#include "golden/common/error.h"
#include "sim/power/optical_trace_power.h"
#include "tests/sim/optical_power/optical_support.h"
#include "tests/support/scratch_dir.h"

namespace tessera {
namespace {

using power::OpticalConverter;

power::OpticalGateLevel replay_uniform(OpticalConverter converter, std::size_t elements) {
  test::use_build_tree_netlist_cache();
  return power::optical_gate_level(power::uniform_optical_streams(converter, elements, 7), power::GateLevelOptions{});
}

void expect_sane(const power::OpticalGateLevel& gate, std::size_t elements) {
  EXPECT_EQ(gate.elements, elements);  // each one compared with golden
  EXPECT_GT(gate.cells, 100);
  EXPECT_GT(gate.area_um2, 0.0);
  EXPECT_GT(gate.total.switching_pj, 0.0);
  EXPECT_GT(gate.total.internal_pj, 0.0);
  EXPECT_GT(gate.total.clock_pj, 0.0);  // output registers
}

TEST(OpticalGate, PsumNetlistEqualsGoldenCodeSums) {
  const auto gate = replay_uniform(OpticalConverter::psum, 1000);
  expect_sane(gate, 1000);
}

TEST(OpticalGate, DacNetlistEqualsGoldenCodesAndFloorSigns) {
  const auto gate = replay_uniform(OpticalConverter::dac, 600);
  expect_sane(gate, 600);
  EXPECT_GT(gate.cells, 5000);  // two FP32 dividers, multipliers and adders
}

TEST(OpticalGate, AdcNetlistEqualsGoldenStochasticCodesAndValues) {
  const auto gate = replay_uniform(OpticalConverter::adc, 600);
  expect_sane(gate, 600);
}

TEST(OpticalGate, TracedElementsReplayEqualGoldenAndPriceTheLayer) {
  test::use_build_tree_netlist_cache();
  const test::ScratchDir dir;
  const auto layers = test::record_digits_cnn_optical(dir.path().string(), 1);
  ASSERT_EQ(layers.size(), 1u);
  power::OpticalTracePowerOptions options;
  options.gate_level = true;
  const auto estimates = power::optical_trace_power(layers, options);
  ASSERT_EQ(estimates.size(), 1u);
  ASSERT_EQ(estimates[0].components.size(), 4u);
  for (const power::OpticalComponentEstimate& c : estimates[0].components) {
    SCOPED_TRACE(c.component);
    EXPECT_GT(c.conversions, 0.0);
    ASSERT_TRUE(c.gate_pj_per_element.has_value());
    EXPECT_GT(*c.gate_pj_per_element, 0.0);
    EXPECT_GT(c.traced_elements, 0u);
    ASSERT_TRUE(c.table_pj.has_value()) << c.table_source << " missing from models/energy/optical.json";
    // Network data and uniform vectors on the same netlist: the same order of magnitude.
    EXPECT_GT(*c.gate_pj / *c.table_pj, 0.05);
    EXPECT_LT(*c.gate_pj / *c.table_pj, 5.0);
  }
}

TEST(OpticalGate, RejectsStreamsItCannotReplay) {
  power::OpticalStreams psum = power::uniform_optical_streams(OpticalConverter::psum, 10, 1);
  psum.psum[0].first[0] = 0;  // the accumulators' start would be unknown
  EXPECT_THROW(power::optical_gate_level(psum, power::GateLevelOptions{}), InputError);
  power::OpticalStreams adc = power::uniform_optical_streams(OpticalConverter::adc, 10, 1);
  adc.adc[0].rand24.pop_back();
  EXPECT_THROW(power::optical_gate_level(adc, power::GateLevelOptions{}), InputError);
  EXPECT_THROW(power::parse_optical_converter("optical-laser"), ConfigError);
}

}  // namespace
}  // namespace tessera
