// `tessera optical quantize` against the library, and its errors.
#include <gtest/gtest.h>

#include <cstring>
#include <random>

#include "golden/io/npy.h"
#include "golden/optical/quantizer.h"
#include "golden/rng/counter_rng.h"
#include "tests/support/run_command.h"
#include "tests/support/scratch_dir.h"

namespace tessera::optical {
namespace {

using tessera::test::run_tessera;
using tessera::test::ScratchDir;

std::vector<float> sample(std::size_t n) {
  std::mt19937 gen(17);
  std::normal_distribution<float> dist(0.0f, 0.7f);
  std::vector<float> x(n);
  for (float& v : x) v = dist(gen);
  x[0] = 0.0f;
  x[1] = -5.0f;
  x[2] = 5.0f;
  x[3] = 0.004f;
  return x;
}

TEST(OpticalCli, DeterministicOutputEqualsTheLibrary) {
  ScratchDir dir;
  const std::vector<float> x = sample(6 * 50);
  npy::save(dir.file("in.npy"), npy::make_array<float>({6, 50}, x));
  const auto result = run_tessera({"optical", "quantize", dir.file("in.npy"), "--levels", "256",
                                   "--range", "-1", "1", "--lut-min", "0.02004", "--out",
                                   dir.file("out.npy"), "--codes", dir.file("codes.npy")});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  const npy::Array out = npy::load(dir.file("out.npy"));
  const npy::Array codes = npy::load(dir.file("codes.npy"));
  ASSERT_EQ(out.dtype, npy::DType::float32);
  ASSERT_EQ(out.shape, (std::vector<std::size_t>{6, 50}));
  ASSERT_EQ(codes.dtype, npy::DType::uint16);
  const QuantizerParams p = make_quantizer(256, -1.0f, 1.0f, 0.02004f, "t");
  for (std::size_t i = 0; i < x.size(); ++i) {
    const float expected = quantize_deterministic(x[i], p);
    ASSERT_EQ(std::memcmp(&out.data<float>()[i], &expected, 4), 0) << i;
    ASSERT_EQ(codes.data<std::uint16_t>()[i], code_deterministic(x[i], p)) << i;
  }
  EXPECT_EQ(out.data<float>()[0], 0.02004f);  // zero lifted to the floor
}

TEST(OpticalCli, StochasticUsesTheDocumentedKey) {
  ScratchDir dir;
  const std::vector<float> x = sample(1000);
  npy::save(dir.file("in.npy"), npy::make_array<float>({1000}, x));
  const auto result = run_tessera({"optical", "quantize", dir.file("in.npy"), "--levels", "16",
                                   "--range", "-2", "2", "--round", "stochastic", "--seed", "99",
                                   "--out", dir.file("out.npy")});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  const npy::Array out = npy::load(dir.file("out.npy"));
  const QuantizerParams p = make_quantizer(16, -2.0f, 2.0f, 0.0f, "t");
  const RandomKey key{99, rng::make_stream(0, rng::Purpose::optical_output_rounding), 0};
  std::size_t differs_from_det = 0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    ASSERT_EQ(out.data<float>()[i], quantize_stochastic(x[i], p, key, i)) << i;
    differs_from_det += out.data<float>()[i] != quantize_deterministic(x[i], p);
  }
  EXPECT_GT(differs_from_det, 100u);
}

TEST(OpticalCli, WideCodesAreInt32) {
  ScratchDir dir;
  const std::vector<float> x = sample(64);
  npy::save(dir.file("in.npy"), npy::make_array<float>({64}, x));
  const auto result = run_tessera({"optical", "quantize", dir.file("in.npy"), "--levels", "100000",
                                   "--range", "-3", "3", "--out", dir.file("out.npy"), "--codes",
                                   dir.file("codes.npy")});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  const npy::Array codes = npy::load(dir.file("codes.npy"));
  ASSERT_EQ(codes.dtype, npy::DType::int32);
  const QuantizerParams p = make_quantizer(100000, -3.0f, 3.0f, 0.0f, "t");
  for (std::size_t i = 0; i < x.size(); ++i) {
    ASSERT_EQ(codes.data<std::int32_t>()[i], static_cast<std::int32_t>(code_deterministic(x[i], p)));
  }
}

void expect_bad_input(const std::vector<std::string>& args, const std::string& mention) {
  const auto result = run_tessera(args);
  EXPECT_EQ(result.exit_code, 2) << result.err;
  EXPECT_NE(result.err.find(mention), std::string::npos) << result.err;
}

TEST(OpticalCli, BadInputsExitTwoWithAMessage) {
  ScratchDir dir;
  npy::save(dir.file("in.npy"), npy::make_array<float>({3}, {0.1f, 0.2f, 0.3f}));
  npy::save(dir.file("ints.npy"), npy::make_array<std::int32_t>({3}, {1, 2, 3}));
  npy::save(dir.file("empty.npy"), npy::make_array<float>({0}, {}));
  npy::save(dir.file("nan.npy"), npy::make_array<float>({2}, {0.0f, std::nanf("")}));
  const std::string in = dir.file("in.npy"), out = dir.file("out.npy");
  expect_bad_input({"optical", "quantize", dir.file("ints.npy"), "--levels", "4", "--range", "0",
                    "1", "--out", out},
                   "ints.npy");
  expect_bad_input({"optical", "quantize", dir.file("empty.npy"), "--levels", "4", "--range", "0",
                    "1", "--out", out},
                   "empty.npy");
  expect_bad_input({"optical", "quantize", dir.file("nan.npy"), "--levels", "4", "--range", "0",
                    "1", "--out", out},
                   "nan.npy");
  expect_bad_input({"optical", "quantize", dir.file("missing.npy"), "--levels", "4", "--range",
                    "0", "1", "--out", out},
                   "missing.npy");
  expect_bad_input({"optical", "quantize", in, "--levels", "4", "--range", "1", "1", "--out", out},
                   "--range");
  expect_bad_input({"optical", "quantize", in, "--levels", "4", "--range", "2", "-1", "--out", out},
                   "--range");
  expect_bad_input({"optical", "quantize", in, "--levels", "1", "--range", "0", "1", "--out", out},
                   "--levels");
  expect_bad_input({"optical", "quantize", in, "--levels", "4", "--range", "0", "1", "--lut-min",
                    "-0.5", "--out", out},
                   "--lut-min");
  expect_bad_input({"optical", "quantize", in, "--levels", "4", "--range", "0", "1", "--round",
                    "nearest", "--out", out},
                   "--round");
  expect_bad_input({"optical", "quantize", in, "--levels", "4", "--range", "0", "--out", out},
                   "--range");
  expect_bad_input({"optical", "quantize", in, "--levels", "4", "--range", "0", "1"}, "--out");
}

}  // namespace
}  // namespace tessera::optical
