// `tessera mx quantize` run as a user would: shapes, dtypes and values of OUT/SCALES/CODES, and
// exit code 2 with a message naming the problem for bad input.
#include <gtest/gtest.h>

#include <fstream>
#include <string>
#include <vector>

#include "golden/io/npy.h"
#include "tests/support/run_command.h"
#include "tests/support/scratch_dir.h"

namespace tessera {
namespace {

using test::run_tessera;

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

TEST(mxCli, QuantizeWritesDequantizedScalesAndCodes) {
  test::ScratchDir dir;
  // Row 0: amax 4 -> X = 1 (byte 127); row 1: all 3.0 -> X = 2^-1 (byte 126), 3/0.5 = 6 = 0x7.
  // 40 columns with block 32 -> 2 blocks per row; row 0's second block has amax 1 -> byte 125.
  std::vector<float> values(2 * 40, 1.0f);
  values[0] = 4.0f;
  values[1] = 2.5f;   // tie between 2 and 3 -> 2 (even), code 0x4
  values[2] = -0.75f; // -> -1.0, code 0xA
  for (int i = 40; i < 80; ++i) values[i] = 3.0f;
  const std::string in = dir.file("in.npy");
  npy::save(in, npy::make_array<float>({2, 40}, values));
  const auto r = run_tessera({"mx", "quantize", in, "--elem", "fp4_e2m1", "--block", "32", "--out",
                              dir.file("out.npy"), "--scales", dir.file("scales.npy"), "--codes",
                              dir.file("codes.npy")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const npy::Array out = npy::load(dir.file("out.npy"));
  const npy::Array scales = npy::load(dir.file("scales.npy"));
  const npy::Array codes = npy::load(dir.file("codes.npy"));
  EXPECT_EQ(out.dtype, npy::DType::float32);
  EXPECT_EQ(out.shape, (std::vector<std::size_t>{2, 40}));
  EXPECT_EQ(scales.dtype, npy::DType::uint8);
  EXPECT_EQ(scales.shape, (std::vector<std::size_t>{2, 2}));
  EXPECT_EQ(codes.dtype, npy::DType::uint8);
  EXPECT_EQ(codes.shape, (std::vector<std::size_t>{2, 40}));
  const auto o = out.to_vector<float>();
  const auto s = scales.to_vector<std::uint8_t>();
  const auto c = codes.to_vector<std::uint8_t>();
  EXPECT_EQ(s, (std::vector<std::uint8_t>{127, 125, 126, 126}));
  EXPECT_EQ(o[0], 4.0f);
  EXPECT_EQ(o[1], 2.0f);
  EXPECT_EQ(o[2], -1.0f);
  EXPECT_EQ(o[3], 1.0f);
  EXPECT_EQ(o[40], 3.0f);
  EXPECT_EQ(c[0], 0x6);
  EXPECT_EQ(c[1], 0x4);
  EXPECT_EQ(c[2], 0xA);
  EXPECT_EQ(c[35], 0x6);  // 1.0 at X = 2^-2 -> 4.0
  EXPECT_EQ(c[40], 0x7);
}

TEST(mxCli, BlocksRunAlongTheLastAxisOfAnyRank) {
  test::ScratchDir dir;
  std::vector<float> values(2 * 3 * 5);
  for (std::size_t i = 0; i < values.size(); ++i) values[i] = static_cast<float>(i) - 7.0f;
  npy::save(dir.file("x.npy"), npy::make_array<float>({2, 3, 5}, values));
  const auto r = run_tessera({"mx", "quantize", dir.file("x.npy"), "--elem", "int8", "--block", "2",
                              "--out", dir.file("o.npy"), "--scales", dir.file("s.npy")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(npy::load(dir.file("s.npy")).shape, (std::vector<std::size_t>{2, 3, 3}));
  EXPECT_EQ(npy::load(dir.file("o.npy")).shape, (std::vector<std::size_t>{2, 3, 5}));
  // Integers up to 22 with pairs sharing a scale: int8 keeps 7 significant bits, so every value
  // here survives exactly.
  EXPECT_EQ(npy::load(dir.file("o.npy")).to_vector<float>(), values);
}

TEST(mxCli, PresetAndExplicitFlagsCompose) {
  test::ScratchDir dir;
  npy::save(dir.file("x.npy"), npy::make_array<float>({3}, {4.0f, 2.5f, 0.25f}));
  auto run = [&](std::vector<std::string> extra) {
    std::vector<std::string> args = {"mx", "quantize", dir.file("x.npy"), "--elem", "fp4_e2m1",
                                     "--out", dir.file("o.npy")};
    args.insert(args.end(), extra.begin(), extra.end());
    const auto r = run_tessera(args);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return npy::load(dir.file("o.npy")).to_vector<float>();
  };
  EXPECT_EQ(run({}), (std::vector<float>{4.0f, 2.0f, 0.0f}));
  EXPECT_EQ(run({"--preset", "microxcaling"}), (std::vector<float>{4.0f, 3.0f, 0.5f}));
  EXPECT_EQ(run({"--preset", "microxcaling", "--round", "even"}), (std::vector<float>{4.0f, 2.0f, 0.0f}));
  EXPECT_EQ(run({"--round", "zero"}), (std::vector<float>{4.0f, 2.0f, 0.0f}));
  const auto a = run({"--round", "stochastic", "--seed", "7"});
  const auto b = run({"--round", "stochastic", "--seed", "7"});
  EXPECT_EQ(a, b);
  EXPECT_TRUE(a[1] == 2.0f || a[1] == 3.0f);
}

struct BadCase {
  std::string name;
  std::vector<std::string> args;  // {IN} is replaced by the input path
  std::string expected_in_message;
};

TEST(mxCli, BadInputExitsTwoWithAMessageNamingTheProblem) {
  test::ScratchDir dir;
  const std::string good = dir.file("good.npy");
  npy::save(good, npy::make_array<float>({2, 4}, std::vector<float>(8, 1.0f)));
  const std::string f64 = dir.file("f64.npy");
  npy::save(f64, npy::make_array<double>({4}, {1, 2, 3, 4}));
  const std::string empty = dir.file("empty.npy");
  npy::save(empty, npy::make_array<float>({0, 4}, {}));
  const std::string scalar = dir.file("scalar.npy");
  npy::save(scalar, npy::make_array<float>({}, {1.0f}));
  const std::string garbage = dir.file("garbage.npy");
  std::ofstream(garbage) << "this is not a numpy file";
  const std::string out = dir.file("o.npy");
  const std::vector<BadCase> cases = {
      {"malformed", {"mx", "quantize", garbage, "--elem", "fp8_e4m3", "--out", out}, "garbage.npy"},
      {"wrong dtype", {"mx", "quantize", f64, "--elem", "fp8_e4m3", "--out", out}, "float32"},
      {"unknown elem", {"mx", "quantize", good, "--elem", "fp8", "--out", out}, "fp8_e4m3"},
      {"empty", {"mx", "quantize", empty, "--elem", "int8", "--out", out}, "empty.npy"},
      {"0-d", {"mx", "quantize", scalar, "--elem", "int8", "--out", out}, "0-d"},
      {"ovf fp4", {"mx", "quantize", good, "--elem", "fp4_e2m1", "--overflow", "ovf", "--out", out}, "ovf"},
      {"block 0", {"mx", "quantize", good, "--elem", "int8", "--block", "0", "--out", out}, "--block"},
      {"bad scale", {"mx", "quantize", good, "--elem", "int8", "--scale", "up", "--out", out}, "rceil"},
      {"bad preset", {"mx", "quantize", good, "--elem", "int8", "--preset", "x", "--out", out}, "torchao"},
      {"missing file", {"mx", "quantize", dir.file("nope.npy"), "--elem", "int8", "--out", out}, "nope.npy"},
      {"no --out", {"mx", "quantize", good, "--elem", "int8"}, "--out"},
  };
  for (const BadCase& c : cases) {
    const auto r = run_tessera(c.args);
    EXPECT_EQ(r.exit_code, 2) << c.name << ": " << r.err;
    EXPECT_TRUE(contains(r.err, c.expected_in_message)) << c.name << ": " << r.err;
  }
  // ovf is accepted for FP8.
  const auto ok = run_tessera({"mx", "quantize", good, "--elem", "fp8_e5m2", "--overflow", "ovf", "--out", out});
  EXPECT_EQ(ok.exit_code, 0) << ok.err;
}

TEST(mxCli, HelpDescribesEveryFlag) {
  const auto r = run_tessera({"mx", "quantize", "--help"});
  EXPECT_EQ(r.exit_code, 0);
  for (const char* flag : {"--elem", "--block", "--scale", "--round", "--overflow", "--out", "--scales",
                           "--codes", "--seed", "--preset", "fp6_e2m3", "rceil", "stochastic", "sat"}) {
    EXPECT_TRUE(contains(r.out, flag)) << flag << "\n" << r.out;
  }
}

}  // namespace
}  // namespace tessera
