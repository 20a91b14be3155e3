// The proxy-net model without a netlist: random "nets" (random functions of the operand pair)
// stand in for a circuit, so counts, prediction, fitting and files can be checked exactly.
#include <gtest/gtest.h>

#include <bitset>
#include <fstream>
#include <random>

#include <nlohmann/json.hpp>

#include "golden/common/error.h"
#include "golden/io/atomic_file.h"
#include "golden/io/npy.h"
#include "tests/support/scratch_dir.h"
#include "tests/traces/activity/test_tables.h"
#include "traces/activity/multiplier_model.h"
#include "traces/activity/model_file.h"
#include "traces/activity/proxy_activity.h"
#include "traces/activity/proxy_fit.h"
#include "traces/activity/proxy_model_file.h"

namespace tessera::traces::activity {
namespace {

std::vector<std::uint64_t> random_table(std::size_t proxies, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  const std::uint64_t mask = proxies == 64 ? ~std::uint64_t{0} : (std::uint64_t{1} << proxies) - 1;
  std::vector<std::uint64_t> table(kOperandPairs);
  for (std::uint64_t& entry : table) entry = rng() & mask;
  return table;
}

ProxyEnergyModel random_model(std::size_t proxies, std::uint64_t seed) {
  std::mt19937_64 rng(seed + 1);
  std::vector<std::string> names;
  std::vector<double> coefficients;
  for (std::size_t k = 0; k < proxies; ++k) {
    names.push_back("n" + std::to_string(k));
    coefficients.push_back(0.01 * static_cast<double>(rng() % 100));
  }
  ModelMetadata meta;
  meta.unit = "exact";
  meta.library = "sky130";
  meta.fitted_on = "random";
  meta.fitted_ops = 10;
  meta.r2_train = 0.5;
  return ProxyEnergyModel(names, 0.25, coefficients, random_table(proxies, seed), meta);
}

TEST(ProxyActivity, StreamTogglesCompareEachOpWithThePreviousAndOpZeroWithReset) {
  const std::vector<std::uint64_t> table = random_table(64, 1);
  const std::vector<std::int8_t> a = {5, -3, -3}, b = {7, 7, 0};
  const std::vector<std::uint64_t> toggled = proxy_stream_toggles(table, a, b);
  ASSERT_EQ(toggled.size(), 3u);
  EXPECT_EQ(toggled[0], table[operand_pair_index(5, 7)] ^ table[0]);
  EXPECT_EQ(toggled[1], table[operand_pair_index(-3, 7)] ^ table[operand_pair_index(5, 7)]);
  EXPECT_EQ(toggled[2], table[operand_pair_index(-3, 0)] ^ table[operand_pair_index(-3, 7)]);
  EXPECT_EQ(operand_pair_index(-3, 7), 0xFD07u);  // port A is the high byte
  EXPECT_THROW(proxy_stream_toggles(table, {1, 2}, {1}), ConfigError);
  EXPECT_THROW(proxy_stream_toggles(std::vector<std::uint64_t>(10), a, b), ConfigError);
}

TEST(ProxyActivity, WeightStationaryTileCountsEqualAPerPeBruteForce) {
  std::mt19937_64 rng(3);
  const std::vector<std::uint64_t> table = random_table(64, 2);
  const std::size_t m = 37, k = 5, n = 6;
  std::vector<std::int8_t> x = test::random_bytes(m * k, rng), w = test::random_bytes(k * n, rng);
  x[4] = 0;  // a zero activation and a zero weight, the reset operands
  w[2] = 0;
  const ProxyCounts counts = weight_stationary_proxy_counts({x.data(), w.data(), m, k, n}, table);
  ProxyCounts brute;
  for (std::size_t r = 0; r < k; ++r) {
    for (std::size_t c = 0; c < n; ++c) {
      std::uint64_t previous = table[0];
      for (std::size_t t = 0; t < m; ++t) {
        const std::uint64_t now = table[operand_pair_index(x[t * k + r], w[r * n + c])];
        ++brute.ops;
        for (std::size_t bit = 0; bit < 64; ++bit) brute.toggles[bit] += (now ^ previous) >> bit & 1;
        previous = now;
      }
    }
  }
  EXPECT_EQ(counts, brute);
  EXPECT_EQ(counts.ops, m * k * n);
  // The same as pricing materialised PE streams.
  ProxyCounts from_streams;
  for (const PeStream& stream : weight_stationary_pe_streams({x.data(), w.data(), m, k, n}, test::exact_table())) {
    from_streams += proxy_stream_counts(table, stream.a, stream.b);
  }
  EXPECT_EQ(from_streams, brute);
}

TEST(ProxyModel, CountsPriceLikeTheSumOfPerOpPredictions) {
  const ProxyEnergyModel model = random_model(40, 5);
  std::mt19937_64 rng(9);
  const std::vector<std::int8_t> a = test::random_bytes(500, rng), b = test::random_bytes(500, rng);
  double per_op = 0.0;
  for (const double e : predict_stream_pj(MultiplierModel(model), a, b, test::exact_table())) per_op += e;
  const ProxyCounts counts = proxy_stream_counts(model.table(), a, b);
  EXPECT_NEAR(model.predict_pj(counts), per_op, 1e-9 * per_op);
  // By hand for one op: intercept plus the coefficients of the toggled bits.
  const std::uint64_t toggled = 0b1011;
  EXPECT_DOUBLE_EQ(model.predict_pj(toggled),
                   0.25 + model.coefficients_pj()[0] + model.coefficients_pj()[1] + model.coefficients_pj()[3]);
  // Bits beyond the proxy count in the table are refused.
  std::vector<std::uint64_t> table = model.table();
  table[17] |= std::uint64_t{1} << 45;
  EXPECT_THROW(ProxyEnergyModel(model.proxy_nets(), 0.0, model.coefficients_pj(), table), ConfigError);
}

// Candidate nets with random functions; the energy is a known linear function of a few of them.
TEST(ProxyFit, RecoversTheNetsAndCoefficientsThatMadeTheEnergy) {
  std::mt19937_64 rng(11);
  std::vector<ProxyCandidate> candidates;
  for (int i = 0; i < 40; ++i) {
    ProxyCandidate candidate{"net" + std::to_string(i), std::vector<std::uint64_t>(kOperandPairs / 64)};
    for (std::uint64_t& word : candidate.values) word = rng();
    candidates.push_back(candidate);
  }
  // An inverter's output (the complement of net3) and a constant are not separate candidates.
  ProxyCandidate inverted{"net3_inverted", candidates[3].values};
  for (std::uint64_t& word : inverted.values) word = ~word;
  candidates.insert(candidates.begin(), inverted);
  candidates.push_back({"tie_low", std::vector<std::uint64_t>(kOperandPairs / 64, 0)});
  const std::map<std::string, double> truth = {{"net3", 1.5}, {"net7", 0.75}, {"net20", 2.0}};

  std::vector<PeStream> streams(40);
  std::vector<double> energies;
  for (PeStream& stream : streams) {
    stream.a = test::random_bytes(100, rng);
    stream.b = test::random_bytes(100, rng);
    std::size_t previous = 0;
    for (std::size_t t = 0; t < stream.a.size(); ++t) {
      const std::size_t pair = operand_pair_index(stream.a[t], stream.b[t]);
      double e = 0.4;
      for (const ProxyCandidate& c : candidates) {
        const auto found = truth.find(c.name);
        if (found == truth.end()) continue;
        if (((c.values[pair / 64] >> (pair % 64)) ^ (c.values[previous / 64] >> (previous % 64))) & 1) e += found->second;
      }
      energies.push_back(e);
      previous = pair;
    }
  }
  ProxyFitOptions options;
  options.max_proxies = 8;
  const ProxyEnergyModel model = fit_proxy_energy_model(candidates, streams, energies, options);
  EXPECT_NEAR(model.metadata().r2_train, 1.0, 1e-9);
  EXPECT_EQ(model.metadata().fitted_ops, 4000u);
  EXPECT_NEAR(model.intercept_pj(), 0.4, 1e-6);
  std::map<std::string, double> found;
  for (std::size_t k = 0; k < model.proxy_nets().size(); ++k) {
    if (std::abs(model.coefficients_pj()[k]) > 1e-6) found[model.proxy_nets()[k]] = model.coefficients_pj()[k];
  }
  ASSERT_EQ(found.size(), 3u);
  // net3 may be represented by its complement, which comes first: same toggles.
  const std::string net3 = found.count("net3") ? "net3" : "net3_inverted";
  EXPECT_NEAR(found[net3], 1.5, 1e-6);
  EXPECT_NEAR(found["net7"], 0.75, 1e-6);
  EXPECT_NEAR(found["net20"], 2.0, 1e-6);
  for (const std::string& name : model.proxy_nets()) EXPECT_NE(name, "tie_low");
  // The table holds each chosen net's values.
  for (std::size_t k = 0; k < model.proxy_nets().size(); ++k) {
    const auto c = std::find_if(candidates.begin(), candidates.end(),
                                [&](const ProxyCandidate& x) { return x.name == model.proxy_nets()[k]; });
    for (std::size_t pair = 0; pair < kOperandPairs; pair += 997) {
      EXPECT_EQ(model.table()[pair] >> k & 1, c->values[pair / 64] >> (pair % 64) & 1);
    }
  }

  EXPECT_THROW(fit_proxy_energy_model(candidates, streams, std::vector<double>(3, 1.0)), InputError);
  options.max_proxies = 65;
  EXPECT_THROW(fit_proxy_energy_model(candidates, streams, energies, options), ConfigError);
}

TEST(ProxyModelFile, RoundTripsWithTheTableBeside) {
  tessera::test::ScratchDir dir;
  const ProxyEnergyModel model = random_model(12, 21);
  save_proxy_model(model, dir.file("m.json"), {{"mean_abs_error", 0.01}});
  EXPECT_TRUE(std::filesystem::exists(dir.file("m.proxies.npy")));
  const MultiplierModel loaded = load_multiplier_model(dir.file("m.json"));
  ASSERT_EQ(model_kind(loaded), "proxy");
  const auto& proxy = std::get<ProxyEnergyModel>(loaded);
  EXPECT_EQ(proxy.proxy_nets(), model.proxy_nets());
  EXPECT_EQ(proxy.coefficients_pj(), model.coefficients_pj());
  EXPECT_EQ(proxy.table(), model.table());
  EXPECT_EQ(proxy.intercept_pj(), model.intercept_pj());
  EXPECT_EQ(proxy.metadata().unit, "exact");
  // A linear model file loads as the linear kind through the same entry point.
  save_model(LinearEnergyModel({"hd_a"}, 1.0, {0.5}), dir.file("linear.json"));
  EXPECT_EQ(model_kind(load_multiplier_model(dir.file("linear.json"))), "linear");
}

// Expects load_multiplier_model(path) to throw InputError whose message has every fragment.
void expect_rejected(const std::string& path, const std::vector<std::string>& fragments) {
  try {
    load_multiplier_model(path);
    FAIL() << "accepted " << path;
  } catch (const InputError& e) {
    for (const std::string& fragment : fragments) EXPECT_NE(std::string(e.what()).find(fragment), std::string::npos) << e.what();
  }
}

TEST(ProxyModelFile, BadFilesAndTablesAreRejectedNamingFileAndField) {
  tessera::test::ScratchDir dir;
  const std::string path = dir.file("m.json");
  const std::string table = dir.file("m.proxies.npy");
  save_proxy_model(random_model(8, 4), path);
  const std::string good = io::read_file(path);
  const nlohmann::json document = nlohmann::json::parse(good);
  auto write = [&](const nlohmann::json& changed) { io::write_file_atomically(path, changed.dump()); };

  nlohmann::json changed = document;
  changed.erase("proxy_nets");
  write(changed);
  expect_rejected(path, {path, "proxy_nets", "missing"});
  changed = document;
  changed["coefficients_pj"].push_back(1.0);
  write(changed);
  expect_rejected(path, {path, "coefficients_pj", "one per proxy_nets"});
  changed = document;
  changed["proxy_nets"][1] = changed["proxy_nets"][0];
  write(changed);
  expect_rejected(path, {path, "proxy_nets[1]", "twice"});
  changed = document;
  changed["version"] = 2;
  write(changed);
  expect_rejected(path, {path, "version"});
  changed = document;
  changed["extra"] = 1;
  write(changed);
  expect_rejected(path, {path, "extra", "unexpected"});
  changed = document;
  changed["table"] = "../elsewhere.npy";
  write(changed);
  expect_rejected(path, {path, "table"});
  changed = document;
  changed["format"] = "something.else";
  write(changed);
  expect_rejected(path, {path, "format"});
  io::write_file_atomically(path, good.substr(0, good.size() / 2));
  expect_rejected(path, {path, "not valid JSON"});

  // The table: missing, wrong dtype, wrong shape, truncated, bits beyond the proxies.
  io::write_file_atomically(path, good);
  const std::string table_bytes = io::read_file(table);
  std::filesystem::remove(table);
  expect_rejected(path, {table, "not found"});
  npy::save(table, npy::make_array<std::int64_t>({kOperandPairs}, std::vector<std::int64_t>(kOperandPairs, 0)));
  expect_rejected(path, {table, "dtype", "uint64"});
  npy::save(table, npy::make_array<std::uint64_t>({256, 256}, std::vector<std::uint64_t>(kOperandPairs, 0)));
  expect_rejected(path, {table, "shape", "(65536,)"});
  io::write_file_atomically(table, table_bytes.substr(0, table_bytes.size() - 100));
  expect_rejected(path, {table});
  std::vector<std::uint64_t> wide(kOperandPairs, 0);
  wide[300] = std::uint64_t{1} << 8;  // proxy 8 of a model with 8 proxies (0..7)
  npy::save(table, npy::make_array<std::uint64_t>({kOperandPairs}, wide));
  expect_rejected(path, {table, "entry 300", "8 proxy nets"});
  io::write_file_atomically(table, table_bytes);
  EXPECT_NO_THROW(load_multiplier_model(path));
}

}  // namespace
}  // namespace tessera::traces::activity
