// The operator nets the optical DAC/ADC features count (traces/activity/optical_fp32_nets.h) are
// nets of the circuits Yosys builds: over random inputs, emulated nets are nets of the synthesised
// netlist (or their complements), or constant. A restoring stage of tessera_fp32_div must match net
// for net; for tessera_fp32_add (hw/common) the share of matching nets is checked per group (the
// emulation also keeps words Yosys narrows or folds, e.g. int-typed exponent differences).
#include <gtest/gtest.h>

#include <cstring>
#include <fstream>
#include <random>

#include "golden/common/data_path.h"
#include "sim/rtl/tools.h"
#include "tests/sim/mx_power/net_function_support.h"
#include "tests/support/scratch_dir.h"
#include "traces/activity/optical_fp32_nets.h"

namespace tessera {
namespace {

double matched_share(const test::NetFunctions& netlist, const test::EmulatedNets& emulated, const char* what,
                     std::size_t* varying_count = nullptr) {
  const auto varying = emulated.varying();
  std::size_t found = 0;
  for (const auto& [index, function] : varying) {
    const bool in = netlist.contains(function);
    found += in ? 1 : 0;
  }
  std::printf("%-16s %4zu of %4zu emulated nets are netlist nets\n", what, found, varying.size());
  if (varying_count != nullptr) *varying_count = varying.size();
  return varying.empty() ? 0.0 : static_cast<double>(found) / static_cast<double>(varying.size());
}

TEST(OpticalFp32Nets, DividerStageNetsAreNetsOfTheYosysNetlist) {
  if (!rtl::tool_available(rtl::yosys_tool())) GTEST_SKIP() << "yosys is not installed (scripts/setup)";
  test::ScratchDir dir;
  const std::filesystem::path source = dir.path() / "stage.sv";
  // One of tessera_fp32_div's 27 compare-subtract stages, as its always_comb writes it.
  std::ofstream(source) << "module stage (input logic [24:0] r_i, input logic [23:0] d_i, output logic [24:0] r_o);\n"
                           "  always_comb begin\n"
                           "    r_o = r_i;\n"
                           "    if (r_i >= {1'b0, d_i}) r_o = r_i - {1'b0, d_i};\n"
                           "  end\nendmodule\n";
  constexpr std::size_t kVectors = 512;
  std::mt19937_64 random(5);
  traces::gate::PortValues ports;
  for (std::size_t v = 0; v < kVectors; ++v) {
    // Normalised divisors, remainders below twice the divisor (what the stages see), some equal.
    const std::uint64_t d = 0x800000u | (random() & 0x7FFFFFu);
    const std::uint64_t r = v % 16 == 0 ? d : random() % (2 * d);
    ports["r_i"].push_back(r);
    ports["d_i"].push_back(d);
  }
  const test::NetFunctions netlist = test::synthesised_net_functions({source}, "stage", {}, ports, dir.path());
  const traces::activity::Fp32DivNets divider;
  test::EmulatedNets emulated(kVectors);
  std::vector<std::uint64_t> words;
  for (std::size_t v = 0; v < kVectors; ++v) {
    words.clear();
    divider.stage(static_cast<std::uint32_t>(ports["r_i"][v]), static_cast<std::uint32_t>(ports["d_i"][v]), words);
    emulated.add(words);
  }
  std::size_t varying = 0;
  EXPECT_EQ(matched_share(netlist, emulated, "divider stage", &varying), 1.0);
  EXPECT_GT(varying, 60u);  // propagates, generates, tree nets and the result
}

std::uint32_t random_float_bits(std::mt19937_64& random) {
  // Finite FP32 of both signs over a wide exponent range, some subnormal, some equal exponents.
  const std::uint32_t sign = static_cast<std::uint32_t>(random() & 1u) << 31;
  const std::uint32_t exponent = random() % 8 == 0 ? 0u : static_cast<std::uint32_t>(100 + random() % 60);
  return sign | exponent << 23 | static_cast<std::uint32_t>(random() & 0x7FFFFFu);
}

TEST(OpticalFp32Nets, AdderNetsAreMostlyNetsOfTheYosysNetlist) {
  if (!rtl::tool_available(rtl::yosys_tool())) GTEST_SKIP() << "yosys is not installed (scripts/setup)";
  test::ScratchDir dir;
  constexpr std::size_t kVectors = 512;
  std::mt19937_64 random(9);
  traces::gate::PortValues ports;
  for (std::size_t v = 0; v < kVectors; ++v) {
    const std::uint32_t a = random_float_bits(random);
    std::uint32_t b = random_float_bits(random);
    if (v % 8 == 1) b = (b & 0x807FFFFFu) | (a & 0x7F800000u);  // equal exponents: the cancelling case
    ports["a_i"].push_back(a);
    ports["b_i"].push_back(b);
  }
  const test::NetFunctions netlist = test::synthesised_net_functions(
      {data_path("hw/common/tessera_fp32_pkg.sv"), data_path("hw/common/tessera_fp32_round.sv"),
       data_path("hw/common/tessera_fp32_add.sv")},
      "tessera_fp32_add", {}, ports, dir.path());
  const traces::activity::Fp32AddNets adder;
  test::EmulatedNets front(kVectors), core(kVectors), round(kVectors);
  traces::activity::Fp32OperatorNets nets;
  for (std::size_t v = 0; v < kVectors; ++v) {
    adder.evaluate(static_cast<std::uint32_t>(ports["a_i"][v]), static_cast<std::uint32_t>(ports["b_i"][v]), nets);
    front.add(nets.front);
    core.add(nets.core);
    std::vector<std::uint64_t> flat;
    for (const auto& group : nets.round) flat.insert(flat.end(), group.begin(), group.end());
    round.add(flat);
  }
  // Measured (Yosys 0.23): front 766 of 766, core 1032 of 1122, round 1188 of 1229.
  EXPECT_EQ(matched_share(netlist, front, "add front"), 1.0);
  EXPECT_GE(matched_share(netlist, core, "add core"), 0.9);
  EXPECT_GE(matched_share(netlist, round, "add round"), 0.95);
}

TEST(OpticalFp32Nets, MultiplierNetsAreNetsOfTheYosysNetlist) {
  if (!rtl::tool_available(rtl::yosys_tool())) GTEST_SKIP() << "yosys is not installed (scripts/setup)";
  test::ScratchDir dir;
  constexpr std::size_t kVectors = 512;
  std::mt19937_64 random(13);
  traces::gate::PortValues ports;
  for (std::size_t v = 0; v < kVectors; ++v) {
    ports["a_i"].push_back(random_float_bits(random));
    ports["b_i"].push_back(random_float_bits(random));
  }
  const test::NetFunctions netlist = test::synthesised_net_functions(
      {data_path("hw/common/tessera_fp32_pkg.sv"), data_path("hw/common/tessera_fp32_round.sv"),
       data_path("hw/common/tessera_fp32_mul.sv")},
      "tessera_fp32_mul", {}, ports, dir.path());
  const traces::activity::Fp32MulNets multiplier;
  test::EmulatedNets front(kVectors), core(kVectors), round(kVectors);
  traces::activity::Fp32OperatorNets nets;
  for (std::size_t v = 0; v < kVectors; ++v) {
    multiplier.evaluate(static_cast<std::uint32_t>(ports["a_i"][v]), static_cast<std::uint32_t>(ports["b_i"][v]),
                        nets);
    front.add(nets.front);
    core.add(nets.core);
    std::vector<std::uint64_t> flat;
    for (const auto& group : nets.round) flat.insert(flat.end(), group.begin(), group.end());
    round.add(flat);
  }
  // The partial products a_i & b_j are the reduction tree's inputs; the running row sums are a
  // proxy of the tree (Yosys reduces with a carry-save tree), only partly its nets.
  EXPECT_EQ(matched_share(netlist, front, "mul front"), 1.0);
  matched_share(netlist, core, "mul core");
  EXPECT_GE(matched_share(netlist, round, "mul round"), 0.95);
}

}  // namespace
}  // namespace tessera
