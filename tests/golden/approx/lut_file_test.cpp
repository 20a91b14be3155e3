// .lut loading: round trip and the mistakes the loader must catch with a clear message.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "golden/approx/catalog.h"
#include "golden/approx/designs.h"
#include "golden/approx/lut_file.h"
#include "golden/common/error.h"
#include "tests/support/scratch_dir.h"

namespace tessera::approx {
namespace {

void write_bytes(const std::string& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary).write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

std::string little_endian_bytes(const std::vector<std::int16_t>& v) {
  std::string bytes(2 * v.size(), '\0');
  for (std::size_t i = 0; i < v.size(); ++i) {
    const auto u = static_cast<std::uint16_t>(v[i]);
    bytes[2 * i] = static_cast<char>(u & 0xFF);
    bytes[2 * i + 1] = static_cast<char>(u >> 8);
  }
  return bytes;
}

std::string message_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const InputError& e) {
    return e.what();
  }
  return "(no InputError)";
}

TEST(ApproxLutFile, RoundTripKeepsEveryProduct) {
  test::ScratchDir dir;
  const auto original = load_multiplier("mul8s_1KR6");
  write_lut_file(dir.file("copy.lut"), original);
  const auto copy = read_lut_file(dir.file("copy.lut"));
  EXPECT_EQ(copy.name(), "copy");
  EXPECT_EQ(copy.products(), original.products());
  EXPECT_EQ(std::filesystem::file_size(dir.file("copy.lut")), 131072u);
}

TEST(ApproxLutFile, LittleEndianByteOrderOnDisk) {
  test::ScratchDir dir;
  write_lut_file(dir.file("exact.lut"), exact_multiplier());
  std::ifstream in(dir.file("exact.lut"), std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const std::size_t i = table_index(3, -2);  // -6 = 0xFFFA
  EXPECT_EQ(static_cast<unsigned char>(bytes[2 * i]), 0xFAu);
  EXPECT_EQ(static_cast<unsigned char>(bytes[2 * i + 1]), 0xFFu);
}

TEST(ApproxLutFile, WrongSizeNamesFileAndExpectedSize) {
  test::ScratchDir dir;
  write_bytes(dir.file("short.lut"), std::string(131071, '\0'));
  const std::string msg = message_of([&] { read_lut_file(dir.file("short.lut")); });
  EXPECT_NE(msg.find("short.lut"), std::string::npos) << msg;
  EXPECT_NE(msg.find("131072"), std::string::npos) << msg;
  EXPECT_NE(msg.find("131071"), std::string::npos) << msg;
  write_bytes(dir.file("int32.lut"), std::string(262144, '\0'));
  EXPECT_NE(message_of([&] { read_lut_file(dir.file("int32.lut")); }).find("int32"), std::string::npos);
}

TEST(ApproxLutFile, DirectoryAndMissingFileAreInputErrors) {
  test::ScratchDir dir;
  std::filesystem::create_directory(dir.path() / "d.lut");
  EXPECT_NE(message_of([&] { read_lut_file(dir.file("d.lut")); }).find("directory"), std::string::npos);
  EXPECT_NE(message_of([&] { read_lut_file(dir.file("absent.lut")); }).find("not found"), std::string::npos);
}

TEST(ApproxLutFile, ByteSwappedFileIsDetectedAndExplained) {
  test::ScratchDir dir;
  for (const char* name : {"mul8s_1KV8", "mul8s_1L2H", "mul8s_1KR3"}) {
    const auto table = load_multiplier(name);
    std::vector<std::int16_t> swapped(table.products().size());
    for (std::size_t i = 0; i < swapped.size(); ++i) {
      const auto u = static_cast<std::uint16_t>(table.products()[i]);
      swapped[i] = static_cast<std::int16_t>(static_cast<std::uint16_t>((u << 8) | (u >> 8)));
    }
    write_bytes(dir.file("swapped.lut"), little_endian_bytes(swapped));
    const std::string msg = message_of([&] { read_lut_file(dir.file("swapped.lut")); });
    EXPECT_NE(msg.find("byte-swapped"), std::string::npos) << name << ": " << msg;
  }
}

TEST(ApproxLutFile, OffsetIndexedFileIsDetectedAndExplained) {
  test::ScratchDir dir;
  for (const char* name : {"mul8s_1KV8", "mul8s_1L2H", "mul8s_1KR3"}) {
    const auto table = load_multiplier(name);
    std::vector<std::int16_t> offset(kTableEntries);
    for (int a = -128; a < 128; ++a) {
      for (int b = -128; b < 128; ++b) {
        offset[static_cast<std::size_t>((a + 128) * 256 + (b + 128))] =
            table(static_cast<std::int8_t>(a), static_cast<std::int8_t>(b));
      }
    }
    write_bytes(dir.file("offset.lut"), little_endian_bytes(offset));
    const std::string msg = message_of([&] { read_lut_file(dir.file("offset.lut")); });
    EXPECT_NE(msg.find("(a+128)"), std::string::npos) << name << ": " << msg;
  }
}

TEST(ApproxLutFile, EveryBundledAndParametricTableIsAcceptedAsWritten) {
  // The mistake detector must not reject a legitimate circuit, however inaccurate.
  test::ScratchDir dir;
  std::vector<std::string> names = parametric_multiplier_names();
  for (const auto& m : bundled_multipliers()) names.push_back(m.name);
  names.push_back("bam_h7_v7");
  for (const auto& name : names) {
    write_lut_file(dir.file("t.lut"), load_multiplier(name));
    EXPECT_NO_THROW(read_lut_file(dir.file("t.lut"))) << name;
  }
}

}  // namespace
}  // namespace tessera::approx
