// Validation on real gate-level energies: the project's exact Baugh-Wooley multiplier RTL
// (hw/approx) synthesised by Yosys onto OSU018 cells, replayed zero-delay by traces/gate, and a
// linear model fitted on uniform + DNN-like streams, judged on held-out streams.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <random>

#include "golden/common/data_path.h"
#include "tests/support/scratch_dir.h"
#include "tests/traces/activity/test_tables.h"
#include "traces/activity/energy_model.h"
#include "traces/activity/features.h"
#include "traces/activity/model_quality.h"
#include "traces/activity/weight_stationary.h"
#include "traces/gate/netlist.h"
#include "traces/gate/replay.h"
#include "traces/liberty/reader.h"

namespace tessera::traces::activity {
namespace {

const char* kOsu018 = "/usr/share/qflow/tech/osu018/osu018_stdcells.lib";

// Synthesises hw/approx's exact multiplier (plus `extra_verilog`, when given) with Yosys onto
// OSU018 and loads the netlist. Empty when a tool or the library is missing (the reason in `skip`).
std::optional<gate::GateNetlist> synthesise(const tessera::test::ScratchDir& dir, const std::string& top,
                                            const std::string& extra_verilog, std::string& skip) {
  if (std::system("command -v yosys > /dev/null 2>&1") != 0) {
    skip = "yosys is not on PATH";
    return std::nullopt;
  }
  if (!std::filesystem::exists(kOsu018)) {
    skip = std::string(kOsu018) + " missing (apt-get install qflow-tech-osu018)";
    return std::nullopt;
  }
  std::string sources = data_path("hw/approx/tessera_mul8s_bw.sv").string() + " " +
                        data_path("hw/approx/tessera_mul8s_exact.sv").string();
  if (!extra_verilog.empty()) {
    std::ofstream(dir.file("extra.sv")) << extra_verilog;
    sources += " " + dir.file("extra.sv");
  }
  const std::string json = dir.file(top + ".json");
  const std::string script = "read_verilog -sv " + sources + "; synth -top " + top + " -flatten; abc -liberty " +
                             kOsu018 + "; opt_clean -purge; splitnets; opt_clean -purge; "
                             "rename -enumerate -pattern n%; write_json " + json;
  const std::string log = dir.file("yosys.log");
  if (std::system(("yosys -q -p '" + script + "' > " + log + " 2>&1").c_str()) != 0)
    throw std::runtime_error("yosys failed on " + top + ", see " + log);
  return gate::load_yosys_netlist(json, top, liberty::read_liberty(kOsu018));
}

struct Stream {
  std::vector<std::int8_t> a, b;
  TrainingStream measured;  // features and gate-level energy per op
};

std::int8_t saturate(double v) { return static_cast<std::int8_t>(std::clamp(std::round(v), -128.0, 127.0)); }

// kind: "uniform"; "dnn" (ReLU activations, ~51 % zeros, |N(0, 30)|, x Laplace(12) weights, both
// changing every op); "dnn_ws" (same, weight held for 64 ops as in a weight-stationary PE).
Stream make_stream(const std::string& kind, std::size_t n, std::mt19937_64& rng) {
  std::uniform_int_distribution<int> uniform(-128, 127);
  std::exponential_distribution<double> laplace_magnitude(1.0 / 12.0);
  std::bernoulli_distribution coin(0.5), relu_zero(0.51);
  std::normal_distribution<double> pre_activation(0.0, 30.0);
  auto weight = [&] { const double m = laplace_magnitude(rng); return saturate(coin(rng) ? m : -m); };
  auto activation = [&] { return relu_zero(rng) ? std::int8_t{0} : saturate(std::abs(pre_activation(rng))); };
  Stream s;
  s.a.resize(n);
  s.b.resize(n);
  std::int8_t held = 0;
  for (std::size_t t = 0; t < n; ++t) {
    if (kind == "uniform") {
      s.a[t] = static_cast<std::int8_t>(uniform(rng));
      s.b[t] = static_cast<std::int8_t>(uniform(rng));
    } else {
      if (kind == "dnn" || t % 64 == 0) held = weight();
      s.a[t] = activation();
      s.b[t] = held;
    }
  }
  return s;
}

// Per-op gate-level energy. The replay's first vector only primes the lanes (no toggles), so a
// leading 0 x 0 vector stands for the reset state the features compare op 0 against.
void replay_stream(const gate::GateNetlist& netlist, Stream& s) {
  std::vector<std::uint64_t> a{0}, b{0};
  for (std::size_t t = 0; t < s.a.size(); ++t) {
    a.push_back(static_cast<std::uint8_t>(s.a[t]));
    b.push_back(static_cast<std::uint8_t>(s.b[t]));
  }
  gate::ReplayOptions options;
  options.per_cycle_energy = true;
  const auto result = gate::replay(netlist, {{"a_i", a}, {"b_i", b}}, options);
  const auto& product = result.outputs.at("p_o");
  for (std::size_t t = 0; t < s.a.size(); ++t)
    ASSERT_EQ(static_cast<std::int16_t>(product[t + 1]), test::exact_table()(s.a[t], s.b[t])) << "op " << t;
  s.measured.energies_pj.assign(result.energy_per_cycle_pj.begin() + 1, result.energy_per_cycle_pj.end());
  s.measured.ops = multiplier_stream_features(s.a, s.b, test::exact_table());
}

TEST(GateFit, ExactMultiplierModelPredictsHeldOutStreams) {
  tessera::test::ScratchDir dir;
  std::string skip;
  const auto netlist = synthesise(dir, "tessera_mul8s_exact", "", skip);
  if (!netlist) GTEST_SKIP() << skip;

  std::mt19937_64 rng(2024);
  const std::size_t n = 8000;
  std::map<std::string, Stream> train, held_out;
  for (const char* kind : {"uniform", "dnn", "dnn_ws"}) {
    train[kind] = make_stream(kind, n, rng);
    held_out[kind] = make_stream(kind, n, rng);
    replay_stream(*netlist, train[kind]);
    replay_stream(*netlist, held_out[kind]);
  }
  const std::vector<TrainingStream> training{train["uniform"].measured, train["dnn"].measured};
  const auto model = fit_linear_energy_model(training, default_multiplier_features());
  const auto hd_only = fit_linear_energy_model(training, {"hd_a", "hd_b"});
  EXPECT_EQ(model.metadata().fitted_streams, 2u);
  EXPECT_EQ(model.metadata().fitted_ops, 2 * n);
  std::map<std::string, StreamEvaluation> quality, quality_hd;
  for (const auto& [kind, s] : held_out) {
    quality[kind] = evaluate_on_streams(model, {s.measured});
    quality_hd[kind] = evaluate_on_streams(hd_only, {s.measured});
    double mean_pj = 0.0;
    for (double e : s.measured.energies_pj) mean_pj += e / static_cast<double>(n);
    std::printf("%-8s %.3f pJ/op  R2 %.3f (HD only %.3f)  total error %+.2f %%\n", kind.c_str(), mean_pj,
                quality[kind].per_op_r2, quality_hd[kind].per_op_r2, 100.0 * quality[kind].totals.mean_signed_relative_error);
  }
  std::printf("train R2 %.3f, intercept %.4f pJ", model.metadata().r2_train, model.intercept_pj());
  for (std::size_t i = 0; i < model.feature_names().size(); ++i)
    std::printf(", %s %.4f", model.feature_names()[i].c_str(), model.coefficients_pj()[i]);
  std::printf("\n");

  // Targets of the research note (power.md section 3.1): per-op R^2 >= 0.9 and |mean error| <= 5 %
  // on realistic DNN streams. Uniform operands are the hard case for per-op R^2 (carry chains the
  // features do not see; measured ~0.55), but their total must still be right.
  EXPECT_GE(quality["dnn"].per_op_r2, 0.9);
  EXPECT_GE(quality["dnn_ws"].per_op_r2, 0.9);
  EXPECT_LE(quality["dnn"].totals.max_abs_relative_error, 0.05);
  EXPECT_LE(quality["uniform"].totals.max_abs_relative_error, 0.05);
  EXPECT_LE(quality["dnn_ws"].totals.max_abs_relative_error, 0.15);  // not trained on: weight held 64 ops
  EXPECT_GE(quality["uniform"].per_op_r2, 0.35);
  // The point of the richer features: operand Hamming distance alone is a weak predictor.
  EXPECT_GT(quality["dnn"].per_op_r2, quality_hd["dnn"].per_op_r2 + 0.2);
}

// A PE datapath (multiplier + 32-bit accumulate) fed from weight-stationary tiles: the partial-sum
// features must earn their place, and a tile priced from its summed counts must match gate level.
const char* kPeVerilog = R"(
module pe(input logic [7:0] a_i, input logic [7:0] b_i, input logic [31:0] psum_i, output logic [31:0] psum_o);
  logic [15:0] p;
  tessera_mul8s_exact u_mul(.a_i(a_i), .b_i(b_i), .p_o(p));
  assign psum_o = psum_i + {{16{p[15]}}, p};
endmodule
)";

struct TileMeasurement {
  TrainingStream ops;            // every PE's ops, concatenated
  ActivityCounts counts;         // weight_stationary_activity of the tile
  double energy_pj = 0.0;        // gate-level total
};

TileMeasurement measure_tile(const gate::GateNetlist& netlist, std::size_t m, std::size_t k, std::size_t n,
                             bool uniform, std::mt19937_64& rng) {
  std::uniform_int_distribution<int> any(-128, 127);
  std::exponential_distribution<double> laplace_magnitude(1.0 / 12.0);
  std::bernoulli_distribution coin(0.5), relu_zero(0.51);
  std::normal_distribution<double> pre_activation(0.0, 30.0);
  std::vector<std::int8_t> x(m * k), w(k * n);
  for (auto& v : x)
    v = uniform ? static_cast<std::int8_t>(any(rng))
                : (relu_zero(rng) ? std::int8_t{0} : saturate(std::abs(pre_activation(rng))));
  for (auto& v : w) {
    const double magnitude = laplace_magnitude(rng);
    v = uniform ? static_cast<std::int8_t>(any(rng)) : saturate(coin(rng) ? magnitude : -magnitude);
  }
  const WeightStationaryTile tile{x.data(), w.data(), m, k, n};
  TileMeasurement result;
  result.counts = weight_stationary_activity(tile, test::exact_table());
  gate::ReplayOptions options;
  options.per_cycle_energy = true;
  for (const auto& pe : weight_stationary_pe_streams(tile, test::exact_table())) {
    std::vector<std::uint64_t> a{0}, b{0}, psum{0};
    for (std::size_t t = 0; t < m; ++t) {
      a.push_back(static_cast<std::uint8_t>(pe.a[t]));
      b.push_back(static_cast<std::uint8_t>(pe.b[t]));
      psum.push_back(static_cast<std::uint32_t>(pe.psum_in[t]));
    }
    const auto replayed = gate::replay(netlist, {{"a_i", a}, {"b_i", b}, {"psum_i", psum}}, options);
    const auto features = pe_stream_features(pe.a, pe.b, pe.psum_in, test::exact_table());
    result.ops.ops.insert(result.ops.ops.end(), features.begin(), features.end());
    for (std::size_t t = 1; t <= m; ++t) {
      result.ops.energies_pj.push_back(replayed.energy_per_cycle_pj[t]);
      result.energy_pj += replayed.energy_per_cycle_pj[t];
    }
  }
  return result;
}

TEST(GateFit, PeModelPricesWeightStationaryTiles) {
  tessera::test::ScratchDir dir;
  std::string skip;
  const auto netlist = synthesise(dir, "pe", kPeVerilog, skip);
  if (!netlist) GTEST_SKIP() << skip;
  std::mt19937_64 rng(77);
  const auto train_dnn = measure_tile(*netlist, 256, 16, 8, false, rng);
  const auto train_uniform = measure_tile(*netlist, 256, 16, 8, true, rng);
  const auto held_out_dnn = measure_tile(*netlist, 512, 32, 4, false, rng);
  const std::vector<TrainingStream> training{train_dnn.ops, train_uniform.ops};
  const auto pe_model = fit_linear_energy_model(training, default_pe_features());
  const auto multiplier_model = fit_linear_energy_model(training, default_multiplier_features());
  const auto pe_quality = evaluate_on_streams(pe_model, {held_out_dnn.ops});
  const auto multiplier_quality = evaluate_on_streams(multiplier_model, {held_out_dnn.ops});
  const double tile_error = (pe_model.predict_pj(held_out_dnn.counts) - held_out_dnn.energy_pj) / held_out_dnn.energy_pj;
  std::printf("PE held-out DNN tile 512x32x4: %.3f pJ/MAC, R2 %.3f (multiplier features only %.3f), "
              "tile total error %+.2f %%\n",
              held_out_dnn.energy_pj / static_cast<double>(held_out_dnn.counts.ops), pe_quality.per_op_r2,
              multiplier_quality.per_op_r2, 100.0 * tile_error);
  EXPECT_GE(pe_quality.per_op_r2, 0.85);  // measured ~0.90
  EXPECT_GT(pe_quality.per_op_r2, multiplier_quality.per_op_r2 + 0.05);
  EXPECT_LE(std::abs(tile_error), 0.05);
  // Counts from the closed-form tile path equal the sum over the materialised PE streams.
  EXPECT_EQ(held_out_dnn.counts, count_activity(held_out_dnn.ops.ops));
}

}  // namespace
}  // namespace tessera::traces::activity
