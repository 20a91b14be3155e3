// Optical traces: `tessera run --trace` records the bundled CNN's optical layer, the file reads back
// with the layout of traces/FORMAT.md, and the recorded elements are the ones golden feeds each
// converter (psum codes are the DAC codes of the recorded DAC elements; the ADC's uniforms are the
// Philox words golden draws). Readers of other families skip the file.
#include <gtest/gtest.h>

#include "golden/common/error.h"
#include "golden/optical/quantizer.h"
#include "sim/tracing/approx_trace_reader.h"
#include "sim/tracing/mx_trace_reader.h"
#include "sim/tracing/optical_trace.h"
#include "tests/sim/optical_power/optical_support.h"
#include "tests/support/scratch_dir.h"
#include "traces/format/writer.h"

namespace tessera {
namespace {

TEST(OpticalTrace, RecordsTheConvertersElementsAsGoldenComputesThem) {
  const test::ScratchDir dir;
  const auto layers = test::record_digits_cnn_optical(dir.path().string(), 2);
  ASSERT_EQ(layers.size(), 1u);
  const tracing::OpticalLayerTrace& trace = layers[0];
  EXPECT_EQ(trace.header.layer, "/conv1/Conv");
  EXPECT_EQ(trace.header.unit.family, "optical");
  ASSERT_EQ(trace.tiles.size(), 2u);
  EXPECT_GT(trace.input.levels, 1u);
  EXPECT_GT(trace.weight.lut_min, 0.0f);  // the modulator's floor, as the bundled unit configures it
  for (const tracing::OpticalTraceTile& tile : trace.tiles) {
    EXPECT_EQ(tile.k, trace.gemm_k);
    EXPECT_LE(tile.m0 + tile.m, trace.gemm_m);
    EXPECT_LE(tile.n0 + tile.n, trace.gemm_n);
    for (std::size_t i = 0; i < tile.m; ++i) {
      for (std::size_t j = 0; j < tile.n; ++j) {
        for (std::size_t t = 0; t < tile.k; ++t) {
          const std::size_t p = (i * tile.n + j) * tile.k + t;
          const std::uint32_t qa = optical::code_deterministic(tile.input_x[i * tile.k + t], trace.input);
          const std::uint32_t qw = optical::code_deterministic(tile.weight_x[j * tile.k + t], trace.weight);
          ASSERT_EQ(tile.psum_qa[p], qa) << "pair " << p;
          ASSERT_EQ(tile.psum_qw[p], qw) << "pair " << p;
          ASSERT_EQ(tile.psum_floor_sign[p], optical::floor_sign(optical::code_value(qw, trace.weight), trace.weight));
        }
      }
    }
    // Uniforms: golden's draw for the output's global index (rounding_uniform == rand24 / 2^24).
    const auto& key = trace.header.meta.at("call");
    const optical::CallKey call{key.at("seed").get<std::uint64_t>(), key.at("unit").get<std::uint32_t>(),
                                key.at("call").get<std::uint32_t>()};
    const optical::RandomKey rounding = optical::adc_rounding_key(call, 0);
    for (std::size_t i = 0; i < tile.m; ++i) {
      for (std::size_t j = 0; j < tile.n; ++j) {
        const std::uint64_t index = (tile.m0 + i) * trace.gemm_n + tile.n0 + j;
        EXPECT_EQ(static_cast<float>(tile.adc_rand24[i * tile.n + j]) * 0x1p-24f,
                  optical::rounding_uniform(rounding, index));
      }
    }
  }
  // The other families' readers skip it.
  EXPECT_FALSE(tracing::is_approx_trace(trace.path));
  EXPECT_FALSE(tracing::is_mx_trace(trace.path));
}

TEST(OpticalTrace, RejectsAFileWithAnotherLayout) {
  const test::ScratchDir dir;
  traces::TraceHeader header;
  header.producer = "test";
  header.network = "n";
  header.layer = "l";
  header.unit.family = "optical";
  header.dataflow = tracing::optical_periphery_dataflow();
  auto arrays = tracing::optical_periphery_arrays();
  arrays[1].record_shape = {4};  // tiles of 4 fields instead of 5
  header.arrays = arrays;
  const std::string path = dir.file("bad.ttrace");
  {
    traces::TraceWriter writer(path, header);
    writer.finish();
  }
  try {
    tracing::read_optical_trace(path);
    FAIL() << "a wrong tiles record shape was accepted";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("arrays[1]"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find(path), std::string::npos) << e.what();
  }
}

TEST(OpticalTrace, RejectsTilesWhoseElementsAreMissing) {
  const test::ScratchDir dir;
  traces::TraceHeader header;
  header.producer = "test";
  header.network = "n";
  header.layer = "l";
  header.unit.family = "optical";
  header.dataflow = tracing::optical_periphery_dataflow();
  header.arrays = tracing::optical_periphery_arrays();
  header.meta = {{"gemm", {{"m", 4}, {"k", 2}, {"n", 4}}}};
  const std::string path = dir.file("short.ttrace");
  {
    traces::TraceWriter writer(path, header);
    const float q[12] = {-1, 1, 256, 0, -1, 1, 256, 0.02f, -4, 4, 256, 0};
    writer.append(tracing::kOpticalQuantizers, q, 3);
    const std::int64_t tile[5] = {0, 2, 0, 2, 2};
    writer.append(tracing::kOpticalTiles, tile, 1);
    const float x[3] = {0.1f, 0.2f, 0.3f};  // 3 of the tile's m*k = 4 input elements
    writer.append(tracing::kOpticalInputDac, x, 3);
    writer.finish();
  }
  try {
    tracing::read_optical_trace(path);
    FAIL() << "a tile without its elements was accepted";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("input_dac_x"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace tessera
