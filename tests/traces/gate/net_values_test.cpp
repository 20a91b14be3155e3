// Net values of a synthesised multiplier against the replay's own view of the same nets: a
// one-vector replay settles each net, and high_cycles_per_net says whether it settled at 1.
#include "traces/gate/net_values.h"

#include <gtest/gtest.h>

#include <random>

#include "golden/common/error.h"
#include "tests/traces/gate/designs.h"
#include "tests/traces/gate/yosys_netlist.h"
#include "traces/gate/replay.h"
#include "traces/liberty/reader.h"

namespace tessera::traces::gate {
namespace {

const liberty::Library& osu018() {
  static const liberty::Library library = liberty::read_liberty(test::osu018_library());
  return library;
}

std::optional<GateNetlist> multiplier() {
  auto json = test::yosys_netlist(test::kMultiplierVerilog, "mul8s", test::osu018_library());
  if (!json) return std::nullopt;
  return load_yosys_netlist(*json, "mul8s", osu018());
}

TEST(NetValues, EveryNetMatchesAOneVectorReplayOnRandomPairs) {
  const std::optional<GateNetlist> netlist = multiplier();
  if (!netlist) GTEST_SKIP() << "yosys is not on PATH";
  std::mt19937_64 engine(7);
  // 70 vectors: a full word of lanes and a partial one.
  PortValues inputs{{"a", {}}, {"b", {}}};
  for (int i = 0; i < 70; ++i) {
    inputs["a"].push_back(engine() & 0xFF);
    inputs["b"].push_back(engine() & 0xFF);
  }
  const std::vector<std::vector<std::uint64_t>> words = all_net_values(*netlist, inputs);
  ASSERT_EQ(words.size(), netlist->net_count());
  for (std::size_t v = 0; v < 70; v += 3) {
    const ReplayResult one = replay(*netlist, {{"a", {inputs["a"][v]}}, {"b", {inputs["b"][v]}}});
    for (NetId net = 0; net < netlist->net_count(); ++net) {
      ASSERT_EQ(words[net][v / 64] >> (v % 64) & 1, one.high_cycles_per_net[net])
          << "net " << netlist->net_name(net) << ", vector " << v;
    }
  }
  // The output port's nets carry the signed product.
  const Port& p = netlist->outputs().front();
  for (std::size_t v = 0; v < 70; ++v) {
    std::uint64_t product = 0;
    for (std::size_t bit = 0; bit < p.bits.size(); ++bit) product |= (words[p.bits[bit]][v / 64] >> (v % 64) & 1) << bit;
    const int expected = static_cast<std::int8_t>(inputs["a"][v]) * static_cast<std::int8_t>(inputs["b"][v]);
    EXPECT_EQ(product, static_cast<std::uint16_t>(expected)) << v;
  }
}

TEST(NetValues, ChosenNetsArePackedOneBitPerNetInTheOrderGiven) {
  const std::optional<GateNetlist> netlist = multiplier();
  if (!netlist) GTEST_SKIP() << "yosys is not on PATH";
  const PortValues inputs{{"a", {3, 0x80, 0xFF}}, {"b", {5, 0x80, 0x01}}};
  const Port& p = netlist->outputs().front();
  // Product bits 0 and 15, then bit 0 again: 3*5 = 15, -128*-128 = 16384, -1*1 = -1 (0xFFFF).
  const std::vector<std::uint64_t> values = net_values(*netlist, inputs, {p.bits[0], p.bits[15], p.bits[0]});
  EXPECT_EQ(values, (std::vector<std::uint64_t>{0b101, 0b000, 0b111}));
  EXPECT_EQ(find_net(*netlist, netlist->net_name(p.bits[3])), p.bits[3]);
}

TEST(NetValues, BadInputsAreNamed) {
  const std::optional<GateNetlist> netlist = multiplier();
  if (!netlist) GTEST_SKIP() << "yosys is not on PATH";
  try {
    all_net_values(*netlist, {{"a", {1}}});
    FAIL() << "missing port accepted";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("'b'"), std::string::npos) << e.what();
  }
  EXPECT_THROW(all_net_values(*netlist, {{"a", {1, 2}}, {"b", {1}}}), InputError);
  EXPECT_THROW(all_net_values(*netlist, {{"a", {1}}, {"b", {1}}, {"c", {1}}}), InputError);
  EXPECT_THROW(net_values(*netlist, {{"a", {1}}, {"b", {1}}}, std::vector<NetId>(65, 0)), InputError);
  EXPECT_THROW(find_net(*netlist, "no such net"), InputError);

  auto json = test::yosys_netlist(test::kRegisteredMultiplierVerilog, "mul8s_reg", test::osu018_library());
  const GateNetlist registered = load_yosys_netlist(*json, "mul8s_reg", osu018());
  try {
    all_net_values(registered, {{"clk_i", {0}}, {"a", {1}}, {"b", {1}}});
    FAIL() << "sequential design accepted";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("flip-flop"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace tessera::traces::gate
