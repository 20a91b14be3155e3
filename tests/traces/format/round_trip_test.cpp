// Writing and reading back: every dtype, several chunks, empty arrays, the chunk visitor.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>

#include "tests/support/scratch_dir.h"
#include "tests/traces/format/trace_fixtures.h"
#include "traces/format/layout.h"

namespace tessera::traces {
namespace {

using test::approx_header;

// Values that expose byte order and sign handling: extremes, -1, 0 and a byte-distinct pattern.
template <class T>
std::vector<T> sample_values(std::size_t count) {
  std::vector<T> values;
  if constexpr (std::is_floating_point_v<T>) {
    values = {T(0),
              T(-0.0),
              T(1.5),
              T(-3.25),
              std::numeric_limits<T>::infinity(),
              std::numeric_limits<T>::quiet_NaN(),
              std::numeric_limits<T>::denorm_min(),
              std::numeric_limits<T>::max(),
              std::numeric_limits<T>::lowest()};
  } else {
    values = {T(0), T(1), std::numeric_limits<T>::max(), std::numeric_limits<T>::min()};
    if constexpr (std::is_signed_v<T>) values.push_back(T(-1));
  }
  while (values.size() < count) values.push_back(static_cast<T>(values.size() * 37 + 11));
  values.resize(count);
  return values;
}

template <class T>
class TraceRoundTrip : public ::testing::Test {};
using AllElementTypes = ::testing::Types<std::int8_t, std::uint8_t, std::int16_t, std::uint16_t,
                                         std::int32_t, std::uint32_t, std::int64_t, float, double>;
TYPED_TEST_SUITE(TraceRoundTrip, AllElementTypes);

TYPED_TEST(TraceRoundTrip, ScalarAndShapedRecordsSurviveSeveralChunksBitExactly) {
  using T = TypeParam;
  tessera::test::ScratchDir dir;
  const std::string path = dir.file("layer.ttrace");
  TraceHeader header = approx_header();
  header.arrays = {{"scalars", dtype_of<T>(), {}, "scalar records"},
                   {"pairs", dtype_of<T>(), {2, 3}, "records of 6 elements"},
                   {"empty", dtype_of<T>(), {4}, "never appended"}};
  // 40 payload bytes per chunk: floor(40 / sizeof(T)) scalar records, floor(40 / (6 sizeof(T)))
  // (at least 1) pair records per chunk.
  const std::size_t chunk_bytes = 40;
  const std::vector<T> scalars = sample_values<T>(101);
  const std::vector<T> pairs = sample_values<T>(6 * 17);
  {
    TraceWriter writer(path, header, TraceWriterOptions{chunk_bytes});
    // Appended in uneven pieces so chunk boundaries fall inside appends.
    writer.append("scalars", scalars.data(), 3);
    writer.append("pairs", pairs.data(), 5);
    writer.append("scalars", scalars.data() + 3, 98);
    writer.append("pairs", pairs.data() + 30, 12);
    writer.finish();
  }
  const std::uint64_t scalars_per_chunk = chunk_bytes / sizeof(T);
  const std::uint64_t pairs_per_chunk = std::max<std::uint64_t>(1, chunk_bytes / (6 * sizeof(T)));
  const std::uint64_t expected_chunks = (101 + scalars_per_chunk - 1) / scalars_per_chunk +
                                        (17 + pairs_per_chunk - 1) / pairs_per_chunk;

  TraceReader reader(path);
  EXPECT_EQ(reader.chunk_count(), expected_chunks);
  EXPECT_GT(reader.chunk_count(), 2u);
  EXPECT_EQ(reader.element_count("scalars"), 101u);
  EXPECT_EQ(reader.record_count("pairs"), 17u);
  EXPECT_EQ(reader.element_count("empty"), 0u);
  const std::vector<T> scalars_back = reader.read_all<T>("scalars");
  const std::vector<T> pairs_back = reader.read_all<T>("pairs");
  ASSERT_EQ(scalars_back.size(), scalars.size());
  ASSERT_EQ(pairs_back.size(), pairs.size());
  // Bit patterns, so NaN and -0.0 count too.
  EXPECT_EQ(std::memcmp(scalars_back.data(), scalars.data(), scalars.size() * sizeof(T)), 0);
  EXPECT_EQ(std::memcmp(pairs_back.data(), pairs.data(), pairs.size() * sizeof(T)), 0);
  EXPECT_TRUE(reader.read_all<T>("empty").empty());
}

TEST(TraceRoundTrip, FileWithOnlyEmptyArraysHasNoChunks) {
  tessera::test::ScratchDir dir;
  const std::string path = dir.file("empty.ttrace");
  TraceWriter(path, approx_header()).finish();
  TraceReader reader(path);
  EXPECT_EQ(reader.chunk_count(), 0u);
  EXPECT_TRUE(reader.read_all<std::int32_t>("tiles").empty());
  // preamble + header + CRC + end record of 4 arrays, nothing else.
  const auto bytes = test::read_bytes(path);
  std::uint64_t header_bytes = 0;
  for (int i = 0; i < 8; ++i) header_bytes |= std::uint64_t{bytes[12 + i]} << (8 * i);
  EXPECT_EQ(bytes.size(), 20 + header_bytes + 4 + layout::end_record_bytes(4));
}

TEST(TraceRoundTrip, HeaderComesBackFieldForField) {
  tessera::test::ScratchDir dir;
  const std::string path = dir.file("h.ttrace");
  TraceHeader header = approx_header();
  header.seed = std::numeric_limits<std::uint64_t>::max();
  header.meta = {{"batch", 3}, {"source", "unit test"}, {"nested", {{"ok", true}}}};
  TraceWriter(path, header).finish();
  const TraceHeader back = TraceReader(path).header();
  EXPECT_EQ(back.producer, header.producer);
  EXPECT_EQ(back.tessera_version, std::string(tessera_version()));
  EXPECT_EQ(back.network, "lenet5");
  EXPECT_EQ(back.layer, "conv2");
  EXPECT_EQ(back.unit.family, "approx");
  EXPECT_EQ(back.unit.config, header.unit.config);
  EXPECT_EQ(back.dataflow.name, "weight_stationary");
  EXPECT_EQ(back.dataflow.description, header.dataflow.description);
  EXPECT_EQ(back.seed, std::numeric_limits<std::uint64_t>::max());
  EXPECT_EQ(back.meta, header.meta);
  ASSERT_EQ(back.arrays.size(), 4u);
  EXPECT_EQ(back.arrays[0].name, "tiles");
  EXPECT_EQ(back.arrays[0].dtype, DType::kInt32);
  EXPECT_EQ(back.arrays[0].record_shape, std::vector<std::uint64_t>{3});
  EXPECT_EQ(back.arrays[1].dtype, DType::kInt64);
  EXPECT_EQ(back.arrays[2].record_shape, std::vector<std::uint64_t>{});
  EXPECT_EQ(back.arrays[2].description, header.arrays[2].description);
}

TEST(TraceRoundTrip, ApproxStreamsMatchTheFormatDocument) {
  // traces/FORMAT.md, "Unit streams", approx: tiles int32 [3], tile_origin int64 [3], weights
  // and activations int8 scalars.
  const std::vector<ArraySpec> arrays = approx_weight_stationary_arrays();
  ASSERT_EQ(arrays.size(), 4u);
  EXPECT_EQ(arrays[0].name, "tiles");
  EXPECT_EQ(arrays[0].dtype, DType::kInt32);
  EXPECT_EQ(arrays[0].record_elements(), 3u);
  EXPECT_EQ(arrays[1].name, "tile_origin");
  EXPECT_EQ(arrays[1].dtype, DType::kInt64);
  EXPECT_EQ(arrays[1].record_elements(), 3u);
  EXPECT_EQ(arrays[2].name, "weights");
  EXPECT_EQ(arrays[2].dtype, DType::kInt8);
  EXPECT_TRUE(arrays[2].record_shape.empty());
  EXPECT_EQ(arrays[3].name, "activations");
  EXPECT_EQ(arrays[3].dtype, DType::kInt8);
  EXPECT_TRUE(arrays[3].record_shape.empty());
  EXPECT_EQ(approx_weight_stationary_dataflow().name, "weight_stationary");
}

TEST(TraceRoundTrip, ChunkVisitorStreamsConsecutiveWholeRecords) {
  tessera::test::ScratchDir dir;
  const std::string path = dir.file("v.ttrace");
  test::write_small_trace(path, 16);
  TraceReader reader(path);
  std::vector<std::uint64_t> next(4, 0);
  std::vector<std::int32_t> tiles;
  std::uint64_t visits = 0;
  reader.for_each_chunk([&](const TraceChunk& chunk) {
    ++visits;
    EXPECT_EQ(chunk.first_element, next[chunk.array_index]);
    EXPECT_EQ(chunk.element_count % chunk.array->record_elements(), 0u);
    next[chunk.array_index] += chunk.element_count;
    if (chunk.array->name == "tiles") {
      const auto values = chunk.values<std::int32_t>();
      tiles.insert(tiles.end(), values.begin(), values.end());
    }
  });
  EXPECT_EQ(visits, reader.chunk_count());
  // 2 tiles: 6 int32, 6 int64 origins, 24 weights, 40 activations.
  EXPECT_EQ(next, (std::vector<std::uint64_t>{6, 6, 24, 40}));
  EXPECT_EQ(tiles, (std::vector<std::int32_t>{5, 4, 3, 5, 4, 3}));
  // A chunk never splits a record: 16-byte chunks hold one 12-byte tile record or one 24-byte
  // origin record (a chunk holds at least one record) each.
  EXPECT_EQ(reader.chunk_count(), 2u + 2u + 24 / 16 + 1 + 40 / 16 + 1);
}

TEST(TraceRoundTrip, WrongElementTypeOrArrayNameIsRefused) {
  tessera::test::ScratchDir dir;
  const std::string path = dir.file("t.ttrace");
  TraceWriter writer(path, approx_header());
  const std::int16_t wide[2] = {1, 2};
  EXPECT_THROW(writer.append("weights", wide, 2), Error);
  EXPECT_THROW(writer.append("bias", wide, 2), ConfigError);
  const std::vector<std::int32_t> partial_tile = {1, 2};
  EXPECT_THROW(writer.append("tiles", partial_tile), Error);
  writer.finish();
  EXPECT_THROW(writer.append("tiles", partial_tile.data(), 0), StateError);
  EXPECT_THROW(writer.finish(), StateError);

  TraceReader reader(path);
  EXPECT_THROW(reader.read_all<float>("weights"), Error);
  EXPECT_THROW(reader.read_all<std::int8_t>("bias"), ConfigError);
  EXPECT_EQ(reader.element_count("weights"), 0u);

  EXPECT_THROW(TraceWriter(dir.file("zero.ttrace"), approx_header(), TraceWriterOptions{0}),
               ConfigError);
  EXPECT_FALSE(std::filesystem::exists(dir.file("zero.ttrace")));
}

}  // namespace
}  // namespace tessera::traces
