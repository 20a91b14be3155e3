// The byte layout of traces/FORMAT.md, assembled by hand: a reader must accept it, and the
// writer's output must put every field where the spec says. Guards byte order on any host.
#include <gtest/gtest.h>
#include <zlib.h>

#include "tests/support/scratch_dir.h"
#include "tests/traces/format/trace_fixtures.h"

namespace tessera::traces {
namespace {

using Bytes = std::vector<unsigned char>;

void put(Bytes& out, std::initializer_list<unsigned> bytes) {
  for (const unsigned byte : bytes) out.push_back(static_cast<unsigned char>(byte));
}

void put_text(Bytes& out, const std::string& text) {
  out.insert(out.end(), text.begin(), text.end());
}

void put_crc(Bytes& out, std::size_t begin) {
  const auto crc = static_cast<std::uint32_t>(
      ::crc32(0, out.data() + begin, static_cast<uInt>(out.size() - begin)));
  put(out, {crc & 0xFF, (crc >> 8) & 0xFF, (crc >> 16) & 0xFF, crc >> 24});
}

const std::string kHeader =
    R"({"format":"tessera-trace","version":1,"producer":"hand","tessera_version":"0.0.0",)"
    R"("network":"n","layer":"l","unit":{"family":"approx","config":{}},)"
    R"("dataflow":{"name":"weight_stationary","description":""},"seed":258,)"
    R"("arrays":[{"name":"a","dtype":"int16","record_shape":[],"description":""},)"
    R"({"name":"b","dtype":"float32","record_shape":[2],"description":""}],"meta":{}})";

Bytes hand_assembled_trace() {
  Bytes file;
  put_text(file, "TSRTRACE");
  put(file, {1, 0, 0, 0});
  const std::size_t length = kHeader.size();
  put(file, {unsigned(length & 0xFF), unsigned(length >> 8), 0, 0, 0, 0, 0, 0});
  put_text(file, kHeader);
  put_crc(file, 0);
  // Chunk: array 0 (int16), elements 0..1 = 0x0102, -2.
  const std::size_t chunk0 = file.size();
  put_text(file, "CHNK");
  put(file, {0, 0, 0, 0});
  put(file, {0, 0, 0, 0, 0, 0, 0, 0});
  put(file, {2, 0, 0, 0, 0, 0, 0, 0});
  put(file, {4, 0, 0, 0, 0, 0, 0, 0});
  put(file, {0x02, 0x01, 0xFE, 0xFF});
  put_crc(file, chunk0);
  // Chunk: array 1 (float32 records of 2), one record = 1.0f (0x3F800000), -2.5f (0xC0200000).
  const std::size_t chunk1 = file.size();
  put_text(file, "CHNK");
  put(file, {1, 0, 0, 0});
  put(file, {0, 0, 0, 0, 0, 0, 0, 0});
  put(file, {2, 0, 0, 0, 0, 0, 0, 0});
  put(file, {8, 0, 0, 0, 0, 0, 0, 0});
  put(file, {0x00, 0x00, 0x80, 0x3F, 0x00, 0x00, 0x20, 0xC0});
  put_crc(file, chunk1);
  // Chunk: array 0 again, element 2 = 0x7FFF.
  const std::size_t chunk2 = file.size();
  put_text(file, "CHNK");
  put(file, {0, 0, 0, 0});
  put(file, {2, 0, 0, 0, 0, 0, 0, 0});
  put(file, {1, 0, 0, 0, 0, 0, 0, 0});
  put(file, {2, 0, 0, 0, 0, 0, 0, 0});
  put(file, {0xFF, 0x7F});
  put_crc(file, chunk2);
  // End record: 3 chunks; totals 3 and 2.
  const std::size_t end = file.size();
  put_text(file, "TEND");
  put(file, {3, 0, 0, 0, 0, 0, 0, 0});
  put(file, {3, 0, 0, 0, 0, 0, 0, 0});
  put(file, {2, 0, 0, 0, 0, 0, 0, 0});
  put_crc(file, end);
  return file;
}

TEST(TraceSpecBytes, HandAssembledFileReadsBack) {
  tessera::test::ScratchDir dir;
  const std::string path = dir.file("hand.ttrace");
  test::write_bytes(path, hand_assembled_trace());
  TraceReader reader(path);
  EXPECT_EQ(reader.header().seed, 258u);
  EXPECT_EQ(reader.chunk_count(), 3u);
  EXPECT_EQ(reader.read_all<std::int16_t>("a"), (std::vector<std::int16_t>{0x0102, -2, 0x7FFF}));
  EXPECT_EQ(reader.read_all<float>("b"), (std::vector<float>{1.0f, -2.5f}));
}

TEST(TraceSpecBytes, WriterPutsEveryFieldWhereTheSpecSays) {
  tessera::test::ScratchDir dir;
  const std::string path = dir.file("written.ttrace");
  TraceHeader header = test::approx_header();
  header.arrays = {{"a", DType::kInt32, {}, ""}};
  {
    TraceWriter writer(path, header);
    const std::int32_t value = 0x01020304;
    writer.append("a", &value, 1);
    writer.finish();
  }
  const Bytes file = test::read_bytes(path);
  std::size_t length = 0;
  for (int i = 0; i < 8; ++i) length |= std::size_t{file[12 + i]} << (8 * i);
  const std::size_t chunk = 20 + length + 4;
  // magic, version, chunk tag, array 0, first 0, count 1, 4 payload bytes, 04 03 02 01.
  Bytes expected_prefix;
  put_text(expected_prefix, "TSRTRACE");
  put(expected_prefix, {1, 0, 0, 0});
  EXPECT_EQ(Bytes(file.begin(), file.begin() + 12), expected_prefix);
  Bytes expected_chunk;
  put_text(expected_chunk, "CHNK");
  put(expected_chunk, {0,           0, 0, 0,           /*first*/ 0, 0, 0, 0, 0,
                       0,           0, 0, /*count*/ 1, 0,           0, 0, 0, 0,
                       0,           0,
                       /*bytes*/ 4, 0, 0, 0,           0,           0, 0, 0, /*payload*/ 4,
                       3,           2, 1});
  put_crc(expected_chunk, 0);
  ASSERT_EQ(file.size(), chunk + expected_chunk.size() + 4 + 8 + 8 + 4);
  EXPECT_EQ(Bytes(file.begin() + static_cast<std::ptrdiff_t>(chunk),
                  file.begin() + static_cast<std::ptrdiff_t>(chunk + expected_chunk.size())),
            expected_chunk);
  Bytes expected_end;
  put_text(expected_end, "TEND");
  put(expected_end, {1, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0});
  put_crc(expected_end, 0);
  EXPECT_EQ(Bytes(file.end() - 24, file.end()), expected_end);
  // The header CRC covers bytes [0, 20 + length).
  Bytes prefix(file.begin(), file.begin() + static_cast<std::ptrdiff_t>(20 + length));
  put_crc(prefix, 0);
  EXPECT_EQ(Bytes(prefix.end() - 4, prefix.end()),
            Bytes(file.begin() + static_cast<std::ptrdiff_t>(20 + length),
                  file.begin() + static_cast<std::ptrdiff_t>(chunk)));
}

}  // namespace
}  // namespace tessera::traces
