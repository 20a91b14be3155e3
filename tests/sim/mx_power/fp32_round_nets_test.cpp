// The rounder nets the MX features count (traces/activity/fp32_round_nets.h) are nets of
// hw/common/tessera_fp32_round.sv as Yosys builds it: over random (magnitude, exponent) inputs
// spanning the shift > 0, shift <= 0, subnormal and overflow cases, every emulated net is a net of
// the netlist (or its complement), or constant. The packing adder is the exception: its low 23
// bits add zeros, and Yosys folds the carry logic those constants make dead (measured: 212 of 254
// emulated nets are netlist nets).
#include <gtest/gtest.h>

#include <random>
#include <string>

#include "golden/common/data_path.h"
#include "sim/rtl/tools.h"
#include "tests/sim/mx_power/net_function_support.h"
#include "tests/support/scratch_dir.h"
#include "traces/activity/fp32_round_nets.h"

namespace tessera {
namespace {

constexpr int kWidth = 20;
constexpr std::size_t kVectors = 512;

TEST(Fp32RoundNets, EmulatedNetsAreNetsOfTheYosysNetlist) {
  if (!rtl::tool_available(rtl::yosys_tool())) GTEST_SKIP() << "yosys is not installed (scripts/setup)";
  test::ScratchDir dir;
  std::mt19937_64 random(11);
  traces::gate::PortValues ports;
  std::vector<int> exponents;
  for (std::size_t v = 0; v < kVectors; ++v) {
    // Magnitudes of every length; exponents around the normal range and past both ends.
    const int length = static_cast<int>(random() % (kWidth + 1));
    const std::uint64_t magnitude = length == 0 ? 0 : (random() & ((std::uint64_t{1} << length) - 1)) | std::uint64_t{1} << (length - 1);
    const int exponent = static_cast<int>(random() % 400) - 200;
    exponents.push_back(exponent);
    ports["magnitude_i"].push_back(magnitude);
    ports["exponent_i"].push_back(static_cast<std::uint64_t>(exponent) & 0xFFF);
    ports["negative_i"].push_back(random() & 1u);
  }
  const test::NetFunctions netlist = test::synthesised_net_functions(
      {data_path("hw/common/tessera_fp32_round.sv")}, "tessera_fp32_round", {{"Width", std::to_string(kWidth)}}, ports,
      dir.path());

  const traces::activity::Fp32RoundNets rounder(kWidth);
  std::vector<test::EmulatedNets> groups(traces::activity::kRoundNetGroups, test::EmulatedNets(kVectors));
  traces::activity::RoundNetWords words;
  for (std::size_t v = 0; v < kVectors; ++v) {
    rounder.evaluate(ports["magnitude_i"][v], exponents[v], words);
    for (std::size_t g = 0; g < groups.size(); ++g) groups[g].add(words[g]);
  }
  const char* names[] = {"exponent_path", "right_shifter", "back_shifter", "rest", "half_compare", "left_shifter",
                         "increment", "pack"};
  for (std::size_t g = 0; g < groups.size(); ++g) {
    const auto varying = groups[g].varying();
    std::size_t found = 0;
    for (const auto& [index, function] : varying) found += netlist.contains(function) ? 1 : 0;
    const double share = varying.empty() ? 0.0 : static_cast<double>(found) / static_cast<double>(varying.size());
    std::printf("%-14s %3zu of %3zu emulated nets are netlist nets\n", names[g], found, varying.size());
    EXPECT_GT(varying.size(), 4u) << names[g];
    EXPECT_GE(share, std::string(names[g]) == "pack" ? 0.8 : 1.0) << names[g];
  }
}

}  // namespace
}  // namespace tessera
