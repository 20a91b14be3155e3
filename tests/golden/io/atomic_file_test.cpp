#include "golden/io/atomic_file.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "golden/common/error.h"
#include "tests/support/scratch_dir.h"

namespace tessera::io {
namespace {

TEST(AtomicFile, WritesAndReplacesWithoutLeavingTemporaries) {
  test::ScratchDir dir;
  const std::string path = dir.file("report.json");
  write_file_atomically(path, std::string_view("first"));
  write_file_atomically(path, std::string_view("second, longer"));
  EXPECT_EQ(read_file(path), "second, longer");
  int entries = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir.path())) {
    (void)entry;
    ++entries;
  }
  EXPECT_EQ(entries, 1);
}

TEST(AtomicFile, FailedWriteKeepsThePreviousFile) {
  test::ScratchDir dir;
  const std::string path = dir.file("keep.txt");
  write_file_atomically(path, std::string_view("precious"));
  // A directory where the temporary must go cannot be written: the old file survives.
  const std::string blocked = dir.file("missing-dir/keep.txt");
  EXPECT_THROW(write_file_atomically(blocked, std::string_view("x")), InputError);
  EXPECT_EQ(read_file(path), "precious");
}

TEST(AtomicFile, ReadingADirectoryOrMissingFileNamesIt) {
  test::ScratchDir dir;
  try {
    read_file(dir.path().string());
    FAIL() << "expected InputError";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("directory"), std::string::npos);
  }
  try {
    read_file(dir.file("absent.bin"));
    FAIL() << "expected InputError";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("absent.bin"), std::string::npos);
  }
}

}  // namespace
}  // namespace tessera::io
