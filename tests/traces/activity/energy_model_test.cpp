// Fitting recovers known coefficients; quality formulas match hand computations.
#include "traces/activity/energy_model.h"

#include <gtest/gtest.h>

#include <random>

#include "golden/common/error.h"
#include "tests/traces/activity/test_tables.h"
#include "traces/activity/model_quality.h"

namespace tessera::traces::activity {
namespace {

const std::vector<std::string> kNames{"hd_a", "hd_b", "pp_toggles", "out_hd", "zero_operand"};
const std::vector<double> kTrueCoefficients{0.05, 0.03, 0.12, 0.2, -0.4};
constexpr double kTrueIntercept = 0.8;

std::vector<OpFeatures> mixed_ops(std::size_t n, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  auto ops = multiplier_stream_features(test::random_bytes(n, rng), test::random_bytes(n, rng), test::exact_table());
  const auto sparse = multiplier_stream_features(test::sparse_small_bytes(n, rng, true),
                                                 test::sparse_small_bytes(n, rng, false), test::exact_table());
  ops.insert(ops.end(), sparse.begin(), sparse.end());
  return ops;
}

Eigen::VectorXd synthetic_energies(const Eigen::MatrixXd& x, double noise_pj, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> noise(0.0, noise_pj);
  const Eigen::Map<const Eigen::VectorXd> beta(kTrueCoefficients.data(), static_cast<Eigen::Index>(kTrueCoefficients.size()));
  Eigen::VectorXd y = (x * beta).array() + kTrueIntercept;
  if (noise_pj > 0)
    for (Eigen::Index i = 0; i < y.size(); ++i) y(i) += noise(rng);
  return y;
}

TEST(EnergyModel, FitRecoversExactCoefficientsWithoutNoise) {
  const auto ops = mixed_ops(2000, 1);
  const Eigen::MatrixXd x = feature_matrix(ops, kNames);
  const auto model = fit_linear_energy_model(x, kNames, synthetic_energies(x, 0.0, 0));
  EXPECT_NEAR(model.intercept_pj(), kTrueIntercept, 1e-9);
  for (std::size_t i = 0; i < kNames.size(); ++i) EXPECT_NEAR(model.coefficients_pj()[i], kTrueCoefficients[i], 1e-10);
  EXPECT_NEAR(model.metadata().r2_train, 1.0, 1e-12);
  EXPECT_EQ(model.metadata().fitted_ops, ops.size());
}

TEST(EnergyModel, FitRecoversCoefficientsUnderNoiseAndPredictsHeldOutOps) {
  const auto train = mixed_ops(10000, 2), test_ops = mixed_ops(5000, 3);
  const Eigen::MatrixXd x = feature_matrix(train, kNames);
  // Noise 0.05 pJ on ~1..8 pJ ops: the standard error of each coefficient is below 1e-3 pJ
  // (sigma / (sqrt(20000) * feature std >= 0.5)), so 5e-3 is a > 5 sigma bound.
  const auto model = fit_linear_energy_model(x, kNames, synthetic_energies(x, 0.05, 4));
  EXPECT_NEAR(model.intercept_pj(), kTrueIntercept, 0.02);
  for (std::size_t i = 0; i < kNames.size(); ++i)
    EXPECT_NEAR(model.coefficients_pj()[i], kTrueCoefficients[i], 5e-3) << kNames[i];
  const Eigen::MatrixXd x_test = feature_matrix(test_ops, kNames);
  const Eigen::VectorXd y_test = synthetic_energies(x_test, 0.0, 0);
  EXPECT_GT(r_squared(y_test, model.predict_pj(x_test)), 0.999);
  EXPECT_LT(std::abs(total_relative_error(y_test, model.predict_pj(x_test))), 1e-3);
}

TEST(EnergyModel, PredictionOfCountsEqualsSumOfPerOpPredictions) {
  const auto ops = mixed_ops(500, 5);
  const LinearEnergyModel model(kNames, 0.7, {0.1, 0.2, 0.3, 0.4, -0.5});
  double sum = 0.0;
  for (const auto& op : ops) sum += model.predict_pj(op);
  EXPECT_NEAR(model.predict_pj(count_activity(ops)), sum, 1e-9 * sum);
  const Eigen::VectorXd per_op = model.predict_pj(feature_matrix(ops, kNames));
  EXPECT_NEAR(per_op.sum(), sum, 1e-9 * sum);
  // By hand for one op: hd_a 1, hd_b 1, pp 1, out_hd 1, zero 0 (first op -128 x -128 after reset).
  const auto first = multiplier_stream_features({-128}, {-128}, test::exact_table());
  EXPECT_DOUBLE_EQ(model.predict_pj(first[0]), 0.7 + 0.1 + 0.2 + 0.3 + 0.4);
}

TEST(EnergyModel, SmallRidgeBarelyMovesAndLargeRidgeShrinks) {
  const auto ops = mixed_ops(2000, 6);
  const Eigen::MatrixXd x = feature_matrix(ops, kNames);
  const Eigen::VectorXd y = synthetic_energies(x, 0.05, 7);
  const auto plain = fit_linear_energy_model(x, kNames, y);
  FitOptions small;
  small.ridge = 1e-9;
  FitOptions large;
  large.ridge = 10.0;
  const auto almost = fit_linear_energy_model(x, kNames, y, small);
  const auto shrunk = fit_linear_energy_model(x, kNames, y, large);
  double plain_norm = 0, shrunk_norm = 0;
  for (std::size_t i = 0; i < kNames.size(); ++i) {
    EXPECT_NEAR(almost.coefficients_pj()[i], plain.coefficients_pj()[i], 1e-4);
    plain_norm += std::abs(plain.coefficients_pj()[i]);
    shrunk_norm += std::abs(shrunk.coefficients_pj()[i]);
  }
  EXPECT_LT(shrunk_norm, 0.5 * plain_norm);
}

TEST(EnergyModel, FitRejectsDependentAndConstantFeatures) {
  const auto ops = mixed_ops(300, 8);
  Eigen::MatrixXd x = feature_matrix(ops, {"hd_a", "ones_a", "out_hd"});
  x.col(2) = x.col(0) + 2.0 * x.col(1);
  const Eigen::VectorXd y = Eigen::VectorXd::Random(x.rows()).array() + 3.0;
  try {
    fit_linear_energy_model(x, {"hd_a", "ones_a", "out_hd"}, y);
    FAIL() << "dependent features accepted";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("linearly dependent"), std::string::npos) << e.what();
  }
  const Eigen::MatrixXd constant = feature_matrix(ops, {"hd_a", "psum_in_hd"});  // bare multiplier: always 0
  try {
    fit_linear_energy_model(constant, {"hd_a", "psum_in_hd"}, y);
    FAIL() << "constant feature accepted";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("'psum_in_hd' is constant"), std::string::npos) << e.what();
  }
}

TEST(EnergyModel, FitRejectsBadShapesAndValues) {
  const Eigen::MatrixXd x = Eigen::MatrixXd::Random(10, 2);
  const Eigen::VectorXd y = Eigen::VectorXd::Random(10);
  EXPECT_THROW(fit_linear_energy_model(x, {"hd_a"}, y), InputError);
  EXPECT_THROW(fit_linear_energy_model(x, {"hd_a", "hd_b"}, Eigen::VectorXd::Random(9)), InputError);
  EXPECT_THROW(fit_linear_energy_model(x.topRows(3), {"hd_a", "hd_b"}, y.head(3)), InputError);
  Eigen::MatrixXd with_nan = x;
  with_nan(3, 1) = std::nan("");
  EXPECT_THROW(fit_linear_energy_model(with_nan, {"hd_a", "hd_b"}, y), InputError);
  EXPECT_THROW(fit_linear_energy_model(x, {"hd_a", "nope"}, y), ConfigError);
  EXPECT_THROW(LinearEnergyModel({"hd_a", "hd_a"}, 0, {1, 2}), ConfigError);
  EXPECT_THROW(LinearEnergyModel({"hd_a"}, 0, {1, 2}), ConfigError);
}

TEST(EnergyModel, FitOnStreamsAndEvaluateOnStreams) {
  // Two streams with exactly linear energies: the fit is exact, R^2 = 1, every total is right.
  std::vector<TrainingStream> streams;
  for (std::uint64_t seed : {10, 11}) {
    TrainingStream s;
    s.ops = mixed_ops(400, seed);
    const Eigen::VectorXd y = synthetic_energies(feature_matrix(s.ops, kNames), 0.0, 0);
    s.energies_pj.assign(y.data(), y.data() + y.size());
    streams.push_back(s);
  }
  const auto model = fit_linear_energy_model(streams, kNames);
  EXPECT_EQ(model.metadata().fitted_streams, 2u);
  EXPECT_EQ(model.metadata().fitted_ops, 1600u);
  const auto quality = evaluate_on_streams(model, streams);
  EXPECT_NEAR(quality.per_op_r2, 1.0, 1e-12);
  EXPECT_NEAR(quality.totals.max_abs_relative_error, 0.0, 1e-12);
  EXPECT_EQ(quality.ops, 1600u);
  // A model that adds 1 pJ per op over-predicts each stream's total by ops / total.
  const LinearEnergyModel shifted(kNames, model.intercept_pj() + 1.0, model.coefficients_pj());
  const auto off = evaluate_on_streams(shifted, streams);
  double want_max = 0.0;
  for (const auto& s : streams) {
    double total = 0.0;
    for (double e : s.energies_pj) total += e;
    want_max = std::max(want_max, static_cast<double>(s.ops.size()) / total);
  }
  EXPECT_NEAR(off.totals.max_abs_relative_error, want_max, 1e-12);
  streams[1].energies_pj.pop_back();
  EXPECT_THROW(fit_linear_energy_model(streams, kNames), InputError);
  EXPECT_THROW(evaluate_on_streams(model, streams), ConfigError);
}

TEST(ModelQuality, FormulasMatchHandComputation) {
  Eigen::VectorXd actual(4), predicted(4);
  actual << 1, 2, 3, 4;
  predicted << 1.5, 2, 2.5, 4.5;
  // mean 2.5; SS_tot = 2.25 + 0.25 + 0.25 + 2.25 = 5; SS_res = 0.25 + 0 + 0.25 + 0.25 = 0.75.
  EXPECT_DOUBLE_EQ(r_squared(actual, predicted), 1.0 - 0.75 / 5.0);
  // totals 10.5 vs 10.
  EXPECT_DOUBLE_EQ(total_relative_error(actual, predicted), 0.05);
  // streams: +10 % and -5 %.
  const auto summary = total_error_summary({10.0, 20.0}, {11.0, 19.0});
  EXPECT_DOUBLE_EQ(summary.mean_abs_relative_error, 0.075);
  EXPECT_DOUBLE_EQ(summary.max_abs_relative_error, 0.1);
  EXPECT_DOUBLE_EQ(summary.mean_signed_relative_error, 0.025);
}

TEST(ModelQuality, UndefinedCasesAreRejected) {
  Eigen::VectorXd constant = Eigen::VectorXd::Constant(3, 2.0);
  EXPECT_THROW(r_squared(constant, constant), ConfigError);
  EXPECT_THROW(r_squared(Eigen::VectorXd::Random(3), Eigen::VectorXd::Random(4)), ConfigError);
  EXPECT_THROW(total_relative_error(Eigen::VectorXd::Zero(3), Eigen::VectorXd::Ones(3)), ConfigError);
  EXPECT_THROW(total_error_summary({}, {}), ConfigError);
  EXPECT_THROW(total_error_summary({1.0, 0.0}, {1.0, 1.0}), ConfigError);
}

}  // namespace
}  // namespace tessera::traces::activity
