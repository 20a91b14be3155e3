#include "traces/gate/netlist.h"

#include <gtest/gtest.h>

#include "golden/common/error.h"
#include "golden/io/atomic_file.h"
#include "traces/gate/energy_report.h"
#include "traces/gate/replay.h"
#include "traces/liberty/reader.h"
#include "tests/support/scratch_dir.h"
#include "tests/traces/gate/designs.h"
#include "tests/traces/gate/yosys_netlist.h"

namespace tessera::traces::gate {
namespace {

const liberty::Library& osu018() {
  static const liberty::Library library = liberty::read_liberty(test::osu018_library());
  return library;
}

// A three-inverter chain a -> n1 -> n2 -> y, written by hand.
constexpr const char* kChainJson = R"({"modules": {"chain": {
  "ports": {"a": {"direction": "input", "bits": [2]}, "y": {"direction": "output", "bits": [5]}},
  "cells": {
    "u1": {"type": "INVX1", "connections": {"A": [2], "Y": [3]}},
    "u2": {"type": "INVX1", "connections": {"A": [3], "Y": [4]}},
    "u3": {"type": "INVX1", "connections": {"A": [4], "Y": [5]}}},
  "netnames": {"a": {"hide_name": 0, "bits": [2]}, "n1": {"hide_name": 0, "bits": [3]},
               "$auto$2": {"hide_name": 1, "bits": [4]}, "y": {"hide_name": 0, "bits": [5]}}}}})";

GateNetlist load_text(const std::string& text, const std::string& top = "chain", NetlistOptions options = {}) {
  test::ScratchDir scratch;
  std::string path = scratch.file("netlist.json");
  io::write_file_atomically(path, text);
  return load_yosys_netlist(path, top, osu018(), options);
}

std::string load_error(const std::string& text, const std::string& top = "chain") {
  try {
    load_text(text, top);
  } catch (const InputError& error) {
    return error.what();
  }
  return "";
}

TEST(Netlist, HandWrittenChainStructure) {
  GateNetlist netlist = load_text(kChainJson);
  ASSERT_EQ(netlist.net_count(), 4u);
  ASSERT_EQ(netlist.inputs().size(), 1u);
  NetId a = netlist.inputs()[0].bits[0];
  NetId y = netlist.outputs()[0].bits[0];
  EXPECT_EQ(netlist.net_name(a), "a");
  EXPECT_EQ(netlist.net_name(y), "y");
  EXPECT_EQ(netlist.cells()[netlist.combinational_order()[0]].name, "u1");
  EXPECT_EQ(netlist.cells()[netlist.combinational_order()[2]].name, "u3");
  const CellInstance& u2 = netlist.cells()[netlist.combinational_order()[1]];
  EXPECT_EQ(netlist.net_name(u2.pin_nets.at("A")), "n1");
  EXPECT_EQ(netlist.net_name(u2.pin_nets.at("Y")), "$auto$2");  // hidden names are used when no other
  double inverter_input_pf = osu018().find_cell("INVX1")->find_pin("A")->capacitance_pf;
  EXPECT_DOUBLE_EQ(netlist.fanout_load_pf(a), inverter_input_pf);
  // Default output load: the D pin of the smallest D flip-flop (OSU018: DFFNEGX1 and DFFPOSX1
  // both 96 µm²; the first in the file, DFFNEGX1, wins).
  EXPECT_DOUBLE_EQ(netlist.fanout_load_pf(y), osu018().find_cell("DFFNEGX1")->find_pin("D")->capacitance_pf);
  EXPECT_DOUBLE_EQ(load_text(kChainJson, "chain", NetlistOptions{0.05}).fanout_load_pf(y), 0.05);
  NetlistStats summary = stats(netlist);
  EXPECT_EQ(summary.cells, 3u);
  EXPECT_DOUBLE_EQ(summary.area_um2, 3 * osu018().find_cell("INVX1")->area_um2);
  EXPECT_EQ(summary.cells_by_type.at("INVX1"), 3u);
  EXPECT_EQ(to_json(summary)["cells"], 3);
}

std::string replaced(std::string text, const std::string& from, const std::string& to) {
  text.replace(text.find(from), from.size(), to);
  return text;
}

TEST(Netlist, BadNetlistsNameTheCell) {
  EXPECT_NE(load_error(replaced(kChainJson, "\"u2\": {\"type\": \"INVX1\"", "\"u2\": {\"type\": \"FOO\""))
                .find("cell 'u2': type 'FOO' is not a cell of library 'osu018_stdcells'"),
            std::string::npos);
  EXPECT_NE(load_error(replaced(kChainJson, "\"A\": [3], \"Y\": [4]", "\"Y\": [4]"))
                .find("cell 'u2' (INVX1): input pin 'A' is not connected"),
            std::string::npos);
  // u1 now reads u3's output: a ring of three inverters.
  std::string ring = replaced(kChainJson, "\"A\": [2], \"Y\": [3]", "\"A\": [5], \"Y\": [3]");
  EXPECT_NE(load_error(ring).find("combinational loop through cell 'u"), std::string::npos) << load_error(ring);
  EXPECT_NE(load_error(replaced(kChainJson, "\"A\": [4], \"Y\": [5]", "\"A\": [4], \"Y\": [3]"))
                .find("net already driven by cell 'u1'"),
            std::string::npos);
  EXPECT_NE(load_error(replaced(kChainJson, "\"A\": [4], \"Y\": [5]", "\"A\": [4], \"Q\": [5]"))
                .find("cell 'u3' pin 'Q': cell type 'INVX1' has no such pin"),
            std::string::npos);
  EXPECT_NE(load_error(std::string(kChainJson).substr(0, 120)).find("not a valid Yosys JSON netlist"),
            std::string::npos);
  EXPECT_NE(load_error(kChainJson, "other").find("expected a module 'other', found: chain"), std::string::npos);
}

TEST(Netlist, ReplayRejectsBadInputs) {
  GateNetlist netlist = load_text(kChainJson);
  EXPECT_THROW(replay(netlist, {}, {}), InputError);
  EXPECT_THROW(replay(netlist, {{"a", {0, 1}}, {"c", {0, 1}}}, {}), InputError);
  ReplayOptions bad_period;
  bad_period.clock_period_ns = 0.0;
  EXPECT_THROW(replay(netlist, {{"a", {0, 1}}}, bad_period), ConfigError);
  GateNetlist nand = load_text(R"({"modules": {"n": {
    "ports": {"a": {"direction": "input", "bits": [2]}, "b": {"direction": "input", "bits": [3]},
              "y": {"direction": "output", "bits": [4]}},
    "cells": {"g": {"type": "NAND2X1", "connections": {"A": [2], "B": [3], "Y": [4]}}}}}})", "n");
  try {
    replay(nand, {{"a", {0, 1, 0}}, {"b", {0, 1}}}, {});
    FAIL() << "sequences of different lengths must be rejected";
  } catch (const InputError& error) {
    EXPECT_NE(std::string(error.what()).find("expected 3 values"), std::string::npos) << error.what();
  }
  EXPECT_THROW(replay(nand, {{"a", {0, 1, 0}}}, {}), InputError);
}

// Every operand pair through the synthesized multiplier: proves the compiled functions, the
// netlist binding and the topological order.
void expect_exact_multiplier(const std::filesystem::path& liberty_path) {
  auto json = test::yosys_netlist(test::kMultiplierVerilog, "mul8s", liberty_path);
  if (!json) GTEST_SKIP() << "yosys is not on PATH";
  liberty::Library library = liberty::read_liberty(liberty_path);
  GateNetlist netlist = load_yosys_netlist(*json, "mul8s", library);
  std::vector<std::uint64_t> a, b;
  for (std::uint32_t pair = 0; pair < 65536; ++pair) {
    a.push_back(pair >> 8);
    b.push_back(pair & 0xff);
  }
  ReplayResult result = replay(netlist, {{"a", a}, {"b", b}}, {});
  const std::vector<std::uint64_t>& p = result.outputs.at("p");
  std::size_t mismatches = 0;
  for (std::uint32_t pair = 0; pair < 65536; ++pair) {
    int product = static_cast<std::int8_t>(pair >> 8) * static_cast<std::int8_t>(pair & 0xff);
    mismatches += p[pair] != static_cast<std::uint16_t>(product);
  }
  EXPECT_EQ(mismatches, 0u);
  std::filesystem::path stat = json->parent_path() / (json->stem().string() + ".stat");
  EXPECT_NEAR(stats(netlist).area_um2, test::yosys_chip_area(stat), 1e-6 * test::yosys_chip_area(stat));
}

TEST(Netlist, ExactMultiplierOsu018AllOperandPairs) { expect_exact_multiplier(test::osu018_library()); }
TEST(Netlist, ExactMultiplierSky130AllOperandPairs) { expect_exact_multiplier(test::sky130_synthesis_library()); }

}  // namespace
}  // namespace tessera::traces::gate
