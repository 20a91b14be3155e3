// Writes are atomic: an unfinished writer leaves the previous file as it was and no temporary.
#include <gtest/gtest.h>

#include <filesystem>

#include "tests/support/scratch_dir.h"
#include "tests/traces/format/trace_fixtures.h"
#include "traces/format/list_traces.h"

namespace tessera::traces {
namespace {

std::vector<std::string> directory_entries(const std::filesystem::path& dir) {
  std::vector<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    names.push_back(entry.path().filename().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

TEST(TraceAtomicity, UnfinishedWriterLeavesThePreviousFileIntactAndNoTemporary) {
  tessera::test::ScratchDir dir;
  const std::string path = dir.file("layer.ttrace");
  test::write_small_trace(path);
  const auto before = test::read_bytes(path);
  {
    TraceWriter writer(path, test::approx_header(), TraceWriterOptions{16});
    std::vector<std::int8_t> weights(1000, 5);
    writer.append("weights", weights);  // several chunks reach the temporary file
    // While writing, the target still holds the previous trace and the temporary sits beside it.
    EXPECT_EQ(test::read_bytes(path), before);
    EXPECT_EQ(directory_entries(dir.path()).size(), 2u);
  }
  EXPECT_EQ(test::read_bytes(path), before);
  EXPECT_EQ(directory_entries(dir.path()), std::vector<std::string>{"layer.ttrace"});
}

TEST(TraceAtomicity, UnfinishedFirstWriteLeavesNothing) {
  tessera::test::ScratchDir dir;
  {
    TraceWriter writer(dir.file("layer.ttrace"), test::approx_header());
    const std::int32_t tile[3] = {1, 2, 3};
    writer.append("tiles", tile, 1);
  }
  EXPECT_TRUE(std::filesystem::is_empty(dir.path()));
}

TEST(TraceAtomicity, FinishReplacesThePreviousFile) {
  tessera::test::ScratchDir dir;
  const std::string path = dir.file("layer.ttrace");
  test::write_small_trace(path);
  {
    TraceWriter writer(path, test::approx_header());
    const std::int32_t tile[3] = {7, 8, 9};
    writer.append("tiles", tile, 1);
    writer.finish();
  }
  EXPECT_EQ(directory_entries(dir.path()), std::vector<std::string>{"layer.ttrace"});
  EXPECT_EQ(TraceReader(path).read_all<std::int32_t>("tiles"),
            (std::vector<std::int32_t>{7, 8, 9}));
}

TEST(TraceAtomicity, UnwritableDirectoryIsAnInputErrorNamingThePath) {
  tessera::test::ScratchDir dir;
  const std::string path = dir.file("missing/layer.ttrace");
  try {
    TraceWriter writer(path, test::approx_header());
    FAIL() << "created a trace in a missing directory";
  } catch (const InputError& error) {
    EXPECT_NE(std::string(error.what()).find(path), std::string::npos) << error.what();
  }
}

TEST(TraceListing, ListsOnlyTraceFilesSortedByName) {
  tessera::test::ScratchDir dir;
  for (const char* name :
       {"layer_b.ttrace", "layer_a.ttrace", "notes.txt", "layer_c.ttrace.tmp-7.0"}) {
    test::write_bytes(dir.file(name), {1});
  }
  std::filesystem::create_directory(dir.path() / "layer_d.ttrace");
  const auto traces = list_traces(dir.path());
  ASSERT_EQ(traces.size(), 2u);
  EXPECT_EQ(traces[0].filename(), "layer_a.ttrace");
  EXPECT_EQ(traces[1].filename(), "layer_b.ttrace");
  EXPECT_THROW(list_traces(dir.path() / "absent"), InputError);
}

}  // namespace
}  // namespace tessera::traces
