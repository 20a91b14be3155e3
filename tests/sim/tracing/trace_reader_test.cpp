// Reading approx traces back: tiles and per-PE streams as written, and clear errors for traces of
// another unit or with inconsistent arrays.
#include <gtest/gtest.h>

#include "golden/common/error.h"
#include "sim/tracing/approx_trace_reader.h"
#include "tests/support/scratch_dir.h"
#include "traces/format/unit_streams.h"
#include "traces/format/writer.h"

namespace tessera::tracing {
namespace {

traces::TraceHeader approx_header(const std::string& family = "approx") {
  traces::TraceHeader header;
  header.producer = "tests/sim/tracing";
  header.network = "net";
  header.layer = "/fc/Gemm";
  header.unit.family = family;
  header.unit.config = {{"kind", "approx"}, {"multiplier", "exact"}};
  header.dataflow = traces::approx_weight_stationary_dataflow();
  header.arrays = traces::approx_weight_stationary_arrays();
  return header;
}

// One 3 x 2 x 2 tile at (0, 2, 4): x[t][r] = t - r, w[r][c] = 10 r + c.
void write_tile(traces::TraceWriter& writer, std::size_t weights = 4) {
  const std::int32_t dims[3] = {3, 2, 2};
  const std::int64_t origin[3] = {0, 2, 4};
  writer.append(traces::kApproxTiles, dims, 1);
  writer.append(traces::kApproxTileOrigin, origin, 1);
  const std::vector<std::int8_t> w = {0, 1, 10, 11};
  const std::vector<std::int8_t> x = {0, -1, 1, 0, 2, 1};
  writer.append(traces::kApproxWeights, w.data(), weights);
  writer.append(traces::kApproxActivations, x.data(), x.size());
}

TEST(ApproxTraceReader, TilesAndPeStreamsComeBackAsWritten) {
  tessera::test::ScratchDir dir;
  traces::TraceWriter writer(dir.file("01_fc.ttrace"), approx_header());
  write_tile(writer);
  writer.finish();
  const ApproxLayerTrace trace = read_approx_trace(dir.file("01_fc.ttrace"));
  EXPECT_EQ(trace.multiplier, "exact");
  ASSERT_EQ(trace.tiles.size(), 1u);
  EXPECT_EQ(trace.tiles[0].k0, 2u);
  EXPECT_EQ(trace.tiles[0].n0, 4u);
  EXPECT_EQ(trace.macs(), 12u);
  const approx::MultiplierTable table = trace_multiplier(trace);
  const std::vector<traces::activity::PeStream> streams = trace_pe_streams(trace, table);
  ASSERT_EQ(streams.size(), 4u);
  // PE(1, 0) holds w[1][0] = 10 and sees column 1 of x: -1, 0, 1; its partial sum comes from row 0.
  EXPECT_EQ(streams[2].a, (std::vector<std::int8_t>{-1, 0, 1}));
  EXPECT_EQ(streams[2].b, (std::vector<std::int8_t>{10, 10, 10}));
  EXPECT_EQ(streams[2].psum_in, (std::vector<std::int32_t>{0, 0, 0}));  // w[0][0] = 0
  EXPECT_EQ(streams[3].psum_in, (std::vector<std::int32_t>{0, 1, 2}));  // x[t][0] * w[0][1]
  EXPECT_EQ(trace_activity(trace, table).ops, 12u);
  EXPECT_EQ(read_approx_traces(dir.path()).size(), 1u);
}

TEST(ApproxTraceReader, ATraceOfAnotherUnitIsRefusedNamingTheField) {
  tessera::test::ScratchDir dir;
  traces::TraceWriter writer(dir.file("mx.ttrace"), approx_header("mx"));
  write_tile(writer);
  writer.finish();
  try {
    read_approx_trace(dir.file("mx.ttrace"));
    ADD_FAILURE() << "read an mx trace as approx";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("unit.family"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("mx.ttrace"), std::string::npos) << e.what();
  }
}

TEST(ApproxTraceReader, ArraysThatDoNotFitTheTilesAreRefused) {
  tessera::test::ScratchDir dir;
  traces::TraceWriter writer(dir.file("short.ttrace"), approx_header());
  write_tile(writer, 3);  // 3 weights for a 2 x 2 tile
  writer.finish();
  try {
    read_approx_trace(dir.file("short.ttrace"));
    ADD_FAILURE() << "read a tile with missing weights";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("tiles[0]"), std::string::npos) << e.what();
  }
}

TEST(ApproxTraceReader, AnEmptyDirectoryIsRefused) {
  tessera::test::ScratchDir dir;
  EXPECT_THROW(read_approx_traces(dir.path()), InputError);
}

}  // namespace
}  // namespace tessera::tracing
