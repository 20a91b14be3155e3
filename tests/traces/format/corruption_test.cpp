// Damaged files: truncation anywhere, any single flipped bit, and absurd lengths are all
// rejected with an InputError naming the file, without allocating from untrusted lengths.
#include <gtest/gtest.h>
#include <zlib.h>

#include "tests/support/scratch_dir.h"
#include "tests/traces/format/allocation_probe.h"
#include "tests/traces/format/trace_fixtures.h"
#include "traces/format/layout.h"

namespace tessera::traces {
namespace {

using Bytes = std::vector<unsigned char>;

std::uint64_t load_u64(const Bytes& bytes, std::size_t offset) {
  std::uint64_t value = 0;
  for (int i = 0; i < 8; ++i) value |= std::uint64_t{bytes[offset + i]} << (8 * i);
  return value;
}

void store_u64(Bytes& bytes, std::size_t offset, std::uint64_t value) {
  for (int i = 0; i < 8; ++i) bytes[offset + i] = static_cast<unsigned char>(value >> (8 * i));
}

void store_u32(Bytes& bytes, std::size_t offset, std::uint32_t value) {
  for (int i = 0; i < 4; ++i) bytes[offset + i] = static_cast<unsigned char>(value >> (8 * i));
}

std::uint32_t zlib_crc(const Bytes& bytes, std::size_t begin, std::size_t end) {
  return static_cast<std::uint32_t>(
      ::crc32(0, bytes.data() + begin, static_cast<uInt>(end - begin)));
}

// Byte regions of the small test trace, located from the spec's layout.
struct Regions {
  std::size_t header_end;       // one past the header CRC
  std::size_t first_chunk_end;  // one past the first chunk's CRC
  std::size_t end_record;       // first byte of the end record
  std::size_t size;
};

Regions regions_of(const Bytes& bytes) {
  Regions r{};
  r.size = bytes.size();
  r.header_end = 20 + static_cast<std::size_t>(load_u64(bytes, 12)) + 4;
  r.first_chunk_end =
      r.header_end + 32 + static_cast<std::size_t>(load_u64(bytes, r.header_end + 24)) + 4;
  r.end_record = r.size - layout::end_record_bytes(4);
  return r;
}

class TraceCorruption : public ::testing::Test {
 protected:
  void SetUp() override {
    test::write_small_trace(original_path_, 16);
    original_ = test::read_bytes(original_path_);
    regions_ = regions_of(original_);
    ASSERT_EQ(test::rejection_of(original_path_), "");
  }

  // Writes `bytes` as the damaged file and expects the reader to reject it, naming the file.
  void expect_rejected(const Bytes& bytes, const std::string& what) {
    test::write_bytes(damaged_path_, bytes);
    const std::string message = test::rejection_of(damaged_path_);
    ASSERT_FALSE(message.empty()) << what << " was accepted";
    EXPECT_NE(message.find(damaged_path_), std::string::npos) << what << ": " << message;
  }

  // Flips each bit of [begin, end) in turn.
  void expect_bit_flips_rejected(std::size_t begin, std::size_t end, const std::string& region) {
    ASSERT_LT(begin, end);
    for (std::size_t byte = begin; byte < end; ++byte) {
      for (int bit = 0; bit < 8; ++bit) {
        Bytes damaged = original_;
        damaged[byte] ^= static_cast<unsigned char>(1u << bit);
        expect_rejected(
            damaged, region + ": bit " + std::to_string(bit) + " of byte " + std::to_string(byte));
        if (HasFatalFailure()) return;
      }
    }
  }

  tessera::test::ScratchDir dir_;
  std::string original_path_ = dir_.file("layer.ttrace");
  std::string damaged_path_ = dir_.file("damaged.ttrace");
  Bytes original_;
  Regions regions_{};
};

TEST_F(TraceCorruption, TruncationAtEverySixteenthIsRejectedAsTruncated) {
  for (std::size_t k = 0; k < 16; ++k) {
    const std::size_t size = regions_.size * k / 16;
    const Bytes cut(original_.begin(), original_.begin() + static_cast<std::ptrdiff_t>(size));
    expect_rejected(cut, "first " + std::to_string(size) + " bytes");
    const std::string message = test::rejection_of(damaged_path_);
    // An empty file has no magic to recognise; every other cut is reported as truncation.
    if (size >= 8) {
      EXPECT_NE(message.find("truncated"), std::string::npos) << message;
    }
  }
}

TEST_F(TraceCorruption, TruncationInsideAChunkOrTheEndRecordIsRejected) {
  for (const std::size_t size :
       {regions_.header_end + 1, regions_.header_end + 31, regions_.first_chunk_end - 2,
        regions_.end_record, regions_.size - 1}) {
    const Bytes cut(original_.begin(), original_.begin() + static_cast<std::ptrdiff_t>(size));
    expect_rejected(cut, "first " + std::to_string(size) + " bytes");
    EXPECT_NE(test::rejection_of(damaged_path_).find("truncated"), std::string::npos)
        << test::rejection_of(damaged_path_);
  }
}

TEST_F(TraceCorruption, AnyBitFlipInPreambleHeaderOrHeaderCrcIsRejected) {
  const std::size_t header_crc = regions_.header_end - 4;
  expect_bit_flips_rejected(0, 20, "preamble");
  expect_bit_flips_rejected(20, header_crc, "header JSON");
  expect_bit_flips_rejected(header_crc, regions_.header_end, "header CRC");
}

TEST_F(TraceCorruption, AnyBitFlipInChunkFieldsPayloadOrCrcIsRejected) {
  expect_bit_flips_rejected(regions_.header_end, regions_.header_end + 32, "chunk fields");
  expect_bit_flips_rejected(regions_.header_end + 32, regions_.first_chunk_end - 4,
                            "chunk payload");
  expect_bit_flips_rejected(regions_.first_chunk_end - 4, regions_.first_chunk_end, "chunk CRC");
  expect_bit_flips_rejected(regions_.first_chunk_end, regions_.end_record, "later chunks");
}

TEST_F(TraceCorruption, AnyBitFlipInTheEndRecordIsRejected) {
  expect_bit_flips_rejected(regions_.end_record, regions_.size, "end record");
}

TEST_F(TraceCorruption, ChunkClaimingTwoToTheSixtyElementsIsRejectedWithoutAllocating) {
  // A consistent-looking chunk (CRC recomputed) whose lengths say 2^60 int32 elements.
  Bytes damaged = original_;
  const std::size_t chunk = regions_.header_end;
  store_u64(damaged, chunk + 16, std::uint64_t{1} << 60);
  store_u64(damaged, chunk + 24, std::uint64_t{1} << 62);
  const std::size_t crc_at = regions_.first_chunk_end - 4;
  std::uint32_t crc = zlib_crc(damaged, chunk, chunk + 32);
  crc = static_cast<std::uint32_t>(
      ::crc32(crc, damaged.data() + chunk + 32, static_cast<uInt>(crc_at - chunk - 32)));
  store_u32(damaged, crc_at, crc);
  test::write_bytes(damaged_path_, damaged);

  test::AllocationProbe probe;
  const std::string message = test::rejection_of(damaged_path_);
  EXPECT_NE(message.find(damaged_path_), std::string::npos) << message;
  EXPECT_NE(message.find("1152921504606846976"), std::string::npos) << message;
  EXPECT_LT(probe.largest_bytes(), std::size_t{1} << 20);
}

TEST_F(TraceCorruption, EndRecordClaimingTwoToTheSixtyElementsIsRejectedAtOpen) {
  Bytes damaged = original_;
  store_u64(damaged, regions_.end_record + 12 + 16, std::uint64_t{1} << 60);  // "weights" total (array 2)
  store_u32(damaged, regions_.size - 4, zlib_crc(damaged, regions_.end_record, regions_.size - 4));
  test::write_bytes(damaged_path_, damaged);
  test::AllocationProbe probe;
  try {
    TraceReader reader(damaged_path_);
    ADD_FAILURE() << "opened a trace whose end record claims 2^60 elements";
  } catch (const InputError& error) {
    EXPECT_NE(std::string(error.what()).find("weights"), std::string::npos) << error.what();
  }
  EXPECT_LT(probe.largest_bytes(), std::size_t{1} << 20);
}

TEST_F(TraceCorruption, HeaderLengthOfTwoToTheSixtyIsRejectedWithoutAllocating) {
  Bytes damaged = original_;
  store_u64(damaged, 12, std::uint64_t{1} << 60);
  test::write_bytes(damaged_path_, damaged);
  test::AllocationProbe probe;
  EXPECT_NE(test::rejection_of(damaged_path_).find(damaged_path_), std::string::npos);
  EXPECT_LT(probe.largest_bytes(), std::size_t{1} << 20);
}

TEST_F(TraceCorruption, SwappedChunksAreRejectedAsOutOfOrder) {
  // Two consecutive chunks of one array swapped: each chunk's CRC is still valid.
  // write_small_trace's first chunks are tiles (12-byte records, one per 16-byte chunk):
  // tile 0, then weights 0..15, then tile 1. Move tile 1 before tile 0.
  const std::size_t chunk_bytes = regions_.first_chunk_end - regions_.header_end;
  std::size_t offset = regions_.first_chunk_end;
  std::size_t second_tile = 0;
  while (offset < regions_.end_record) {
    const std::size_t size = 32 + static_cast<std::size_t>(load_u64(original_, offset + 24)) + 4;
    if (original_[offset + 4] == 0 && size == chunk_bytes) {
      second_tile = offset;
      break;
    }
    offset += size;
  }
  ASSERT_NE(second_tile, 0u);
  Bytes damaged = original_;
  std::copy(original_.begin() + static_cast<std::ptrdiff_t>(second_tile),
            original_.begin() + static_cast<std::ptrdiff_t>(second_tile + chunk_bytes),
            damaged.begin() + static_cast<std::ptrdiff_t>(regions_.header_end));
  std::copy(original_.begin() + static_cast<std::ptrdiff_t>(regions_.header_end),
            original_.begin() + static_cast<std::ptrdiff_t>(regions_.first_chunk_end),
            damaged.begin() + static_cast<std::ptrdiff_t>(second_tile));
  expect_rejected(damaged, "swapped tile chunks");
  EXPECT_NE(test::rejection_of(damaged_path_).find("out of order"), std::string::npos)
      << test::rejection_of(damaged_path_);
}

TEST(TraceFiles, AllocationProbeSeesTheReadersChunkBuffer) {
  // Guards the 2^60 tests above: the probe must notice a real allocation of the size of a chunk.
  tessera::test::ScratchDir dir;
  const std::string path = dir.file("big.ttrace");
  {
    TraceWriter writer(path, test::approx_header(), TraceWriterOptions{256 * 1024});
    const std::vector<std::int8_t> weights(256 * 1024, 1);
    writer.append("weights", weights);
    writer.finish();
  }
  TraceReader reader(path);
  test::AllocationProbe probe;
  reader.verify();
  EXPECT_GE(probe.largest_bytes(), std::size_t{256 * 1024});
}

TEST(TraceFiles, MissingFileDirectoryAndForeignFileAreRejected) {
  tessera::test::ScratchDir dir;
  EXPECT_NE(test::rejection_of(dir.file("absent.ttrace")).find("absent.ttrace"), std::string::npos);
  EXPECT_NE(test::rejection_of(dir.path().string()).find("directory"), std::string::npos);
  const std::string npy = dir.file("weights.ttrace");
  test::write_bytes(npy, Bytes{0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, 'v', 0, 0, 0,
                               0,    0,   0,   0,   0,   0,   0, 0, 0,   0, 0, 0});
  EXPECT_NE(test::rejection_of(npy).find("not a tessera trace"), std::string::npos);
}

}  // namespace
}  // namespace tessera::traces
