// The adder nets the MX features count (traces/activity/brent_kung_nets.h) are nets of the adder
// Yosys really builds: every emulated net's value, over random operand pairs, is the value of a
// net of the synthesised netlist (or its complement), unless constant. A Yosys that maps $alu
// another way, or an emulation that drifts from _90_lcu, fails.
#include <gtest/gtest.h>

#include <fstream>
#include <random>

#include "sim/rtl/tools.h"
#include "tests/sim/mx_power/net_function_support.h"
#include "tests/support/scratch_dir.h"
#include "traces/activity/brent_kung_nets.h"

namespace tessera {
namespace {

constexpr int kWidth = 13;  // not a power of two: the inverse tree has partial levels
constexpr std::size_t kVectors = 256;

void expect_emulated_nets_in_netlist(bool subtract) {
  test::ScratchDir dir;
  const std::filesystem::path source = dir.path() / "adder.sv";
  std::ofstream(source) << "module adder (input logic [" << kWidth - 1 << ":0] a_i, b_i, output logic [" << kWidth - 1
                        << ":0] y_o);\n  assign y_o = a_i " << (subtract ? '-' : '+') << " b_i;\nendmodule\n";
  std::mt19937_64 random(7);
  const std::uint64_t mask = (std::uint64_t{1} << kWidth) - 1;
  traces::gate::PortValues ports;
  for (std::size_t v = 0; v < kVectors; ++v) {
    ports["a_i"].push_back(random() & mask);
    ports["b_i"].push_back(random() & mask);
  }
  const test::NetFunctions netlist = test::synthesised_net_functions({source}, "adder", {}, ports, dir.path());

  const traces::activity::BrentKungNets adder(kWidth);
  test::EmulatedNets emulated(kVectors);
  std::vector<std::uint64_t> words(adder.word_count());
  for (std::size_t v = 0; v < kVectors; ++v) {
    const std::uint64_t a = ports["a_i"][v], b = ports["b_i"][v];
    adder.evaluate(a, subtract ? ~b & mask : b, subtract, words.data());
    emulated.add(words);
  }
  const auto varying = emulated.varying();
  for (const auto& [index, function] : varying) {
    EXPECT_TRUE(netlist.contains(function)) << (subtract ? "a - b" : "a + b") << ": emulated net " << index % 64
                                            << " of word " << index / 64 << " is no net of the netlist";
  }
  // The propagates, generates and at least one net per tree step were compared.
  EXPECT_GE(varying.size(), 2 * static_cast<std::size_t>(kWidth) + adder.steps().size());
}

TEST(BrentKungNets, AdderNetsAreNetsOfTheYosysNetlist) {
  if (!rtl::tool_available(rtl::yosys_tool())) GTEST_SKIP() << "yosys is not installed (scripts/setup)";
  expect_emulated_nets_in_netlist(false);
}

TEST(BrentKungNets, SubtractorNetsAreNetsOfTheYosysNetlist) {
  if (!rtl::tool_available(rtl::yosys_tool())) GTEST_SKIP() << "yosys is not installed (scripts/setup)";
  expect_emulated_nets_in_netlist(true);
}

TEST(BrentKungNets, StepsFollowTheBrentKungTree) {
  const traces::activity::BrentKungNets adder(8);
  // Main tree: distances 1, 2, 4 at positions {1,3,5,7}, {3,7}, {7}; inverse tree: distance 2 at
  // {5}, distance 1 at {2,4,6}.
  ASSERT_EQ(adder.steps().size(), 5u);
  EXPECT_EQ(adder.steps()[0].positions, 0xAAu);
  EXPECT_EQ(adder.steps()[1].positions, 0x88u);
  EXPECT_EQ(adder.steps()[2].positions, 0x80u);
  EXPECT_EQ(adder.steps()[3].distance, 2);
  EXPECT_EQ(adder.steps()[3].positions, 0x20u);
  EXPECT_EQ(adder.steps()[4].positions, 0x54u);
  // Only nets the sum needs: g_7 and p_7 (the carry out of bit 7) never are.
  EXPECT_EQ(adder.steps()[2].live_generates, 0u);
  EXPECT_EQ(adder.steps()[2].live_propagates, 0u);
  EXPECT_EQ(adder.steps()[0].live_generates, 0x2Au);
  // The final group generates are the carries: 0xFF + 0x01 carries out of every bit below the top.
  std::vector<std::uint64_t> words(adder.word_count());
  adder.evaluate(0xFF, 0x01, false, words.data());
  EXPECT_EQ(words[0], 0xFEu);  // propagates
  std::uint64_t generate = words[1];
  for (std::size_t s = 0; s < adder.steps().size(); ++s) generate |= words[3 + 3 * s];
  EXPECT_EQ(generate, 0x7Fu);
}

}  // namespace
}  // namespace tessera
