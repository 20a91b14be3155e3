#include "sim/data/datasets.h"

#include <gtest/gtest.h>
#include <zlib.h>

#include <filesystem>
#include <string>
#include <vector>

#include "golden/common/error.h"
#include "golden/io/atomic_file.h"
#include "golden/io/npy.h"
#include "tests/support/scratch_dir.h"

namespace tessera::data {
namespace {

std::string idx_bytes(const std::vector<std::uint32_t>& dims, const std::vector<std::uint8_t>& values) {
  std::string bytes = {'\0', '\0', '\x08', static_cast<char>(dims.size())};
  for (const std::uint32_t d : dims) {
    for (int shift = 24; shift >= 0; shift -= 8) bytes.push_back(static_cast<char>((d >> shift) & 0xFF));
  }
  bytes.append(values.begin(), values.end());
  return bytes;
}

void write_gzip(const std::string& path, const std::string& bytes) {
  gzFile file = gzopen(path.c_str(), "wb");
  ASSERT_NE(file, nullptr);
  ASSERT_EQ(gzwrite(file, bytes.data(), static_cast<unsigned>(bytes.size())), static_cast<int>(bytes.size()));
  gzclose(file);
}

void expect_input_error(const std::string& path, const std::string& needle, bool images = true) {
  try {
    if (images) load_images(path); else load_labels(path);
    FAIL() << "expected an InputError mentioning " << needle;
  } catch (const InputError& e) {
    const std::string message = e.what();
    EXPECT_NE(message.find(path), std::string::npos) << message;
    EXPECT_NE(message.find(needle), std::string::npos) << message;
  }
}

TEST(Datasets, GzippedIdxImagesBecomeScaledNchwFloats) {
  test::ScratchDir dir;
  const std::string path = dir.file("t10k-images-idx3-ubyte.gz");
  write_gzip(path, idx_bytes({2, 2, 3}, {0, 255, 51, 102, 153, 204, 1, 2, 3, 4, 5, 6}));
  const ImageSet images = load_images(path);
  EXPECT_EQ(images.shape, (std::vector<std::size_t>{2, 1, 2, 3}));
  EXPECT_EQ(images.image_size(), 6u);
  EXPECT_EQ(images.values[1], 1.0f);
  EXPECT_EQ(images.values[2], 51.0f / 255.0f);
}

TEST(Datasets, PlainIdxLabelsAndNpyLabels) {
  test::ScratchDir dir;
  io::write_file_atomically(dir.file("labels-idx1-ubyte"), idx_bytes({3}, {7, 0, 9}));
  EXPECT_EQ(load_labels(dir.file("labels-idx1-ubyte")), (std::vector<std::int64_t>{7, 0, 9}));
  npy::save(dir.file("labels.npy"), npy::make_array<std::int32_t>({2}, {4, 5}));
  EXPECT_EQ(load_labels(dir.file("labels.npy")), (std::vector<std::int64_t>{4, 5}));
  npy::save(dir.file("float_labels.npy"), npy::make_array<float>({2}, {4, 5}));
  expect_input_error(dir.file("float_labels.npy"), "expected integer class labels", false);
}

TEST(Datasets, CorruptIdxFilesAreRejectedByName) {
  test::ScratchDir dir;
  io::write_file_atomically(dir.file("magic-ubyte"), std::string("\x00\x00\x0D\x01\x00\x00\x00\x01\x00", 9));
  expect_input_error(dir.file("magic-ubyte"), "IDX magic");
  io::write_file_atomically(dir.file("short-ubyte"), idx_bytes({4}, {1, 2}));
  expect_input_error(dir.file("short-ubyte"), "truncated IDX data", false);
  io::write_file_atomically(dir.file("long-ubyte"), idx_bytes({1}, {1, 2}));
  expect_input_error(dir.file("long-ubyte"), "unexpected data", false);
  // A header that claims 2^48 bytes is refused before anything is allocated.
  io::write_file_atomically(dir.file("huge-ubyte"), idx_bytes({65536, 65536, 65536}, {}));
  expect_input_error(dir.file("huge-ubyte"), "more than 4 GiB");
  io::write_file_atomically(dir.file("rank-ubyte"), idx_bytes({2}, {1, 2}));
  expect_input_error(dir.file("rank-ubyte"), "expected 3");
}

TEST(Datasets, BundledNetworksAreComplete) {
  for (const std::string& name : bundled_network_names()) {
    const BundledNetwork network = bundled_network(name);
    EXPECT_TRUE(std::filesystem::exists(network.model_path)) << network.model_path;
    EXPECT_TRUE(std::filesystem::exists(network.rules_path)) << network.rules_path;
  }
  EXPECT_THROW(bundled_network("resnet"), ConfigError);
}

}  // namespace
}  // namespace tessera::data
