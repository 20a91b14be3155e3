#include "golden/ref/tensor.h"

#include <gtest/gtest.h>

#include "golden/common/error.h"
#include "tests/golden/ref/ref_test_util.h"

namespace tessera::ref {
namespace {

using test::expect_error;

TEST(RefTensor, ConstructionChecksElementCount) {
  const Tensor t({2, 3}, std::vector<float>(6, 1.5f));
  EXPECT_EQ(t.rank(), 2u);
  EXPECT_EQ(t.size(), 6u);
  EXPECT_EQ(t.dim(1), 3u);
  EXPECT_EQ(Tensor({4, 0}).size(), 0u);
  expect_error<InputError>([] { Tensor({2, 3}, std::vector<float>(5)); }, {"(2, 3)", "6", "5"});
}

TEST(RefTensor, EmptyTensorsKeepTheInvariant) {
  const Tensor empty;
  EXPECT_EQ(empty.shape(), Shape{0});
  EXPECT_EQ(empty.size(), 0u);
  Tensor t({2, 2}, {1, 2, 3, 4});
  const std::vector<float> taken = t.release_values();
  EXPECT_EQ(taken.size(), 4u);
  EXPECT_EQ(t.shape(), Shape{0});
  EXPECT_EQ(t.size(), 0u);
  const Tensor scalar(Shape{});
  EXPECT_EQ(scalar.size(), 1u);
}

TEST(RefTensor, ValuesOfATemporaryOutliveIt) {
  float sum = 0.0f;
  for (float v : Tensor({3}, {1.0f, 2.0f, 4.0f}).values()) sum += v;
  EXPECT_EQ(sum, 7.0f);
}

TEST(RefTensor, ShapeToStringLooksLikePython) {
  EXPECT_EQ(shape_to_string({}), "()");
  EXPECT_EQ(shape_to_string({3}), "(3,)");
  EXPECT_EQ(shape_to_string({8, 3, 3, 3}), "(8, 3, 3, 3)");
}

TEST(RefTensor, ReshapeKeepsValuesAndRejectsOtherCounts) {
  Tensor t = reshape(Tensor({2, 3}, {1, 2, 3, 4, 5, 6}), {3, 2});
  EXPECT_EQ(t.shape(), (Shape{3, 2}));
  EXPECT_EQ(t.values(), (std::vector<float>{1, 2, 3, 4, 5, 6}));
  expect_error<InputError>([&] { reshape(t, {4}); }, {"reshape", "(3, 2)", "(4,)"});
}

TEST(RefTensor, BroadcastFollowsNumPy) {
  EXPECT_EQ(broadcast_shapes({7, 1, 5}, {3, 1}, "op"), (Shape{7, 3, 5}));
  expect_error<InputError>([] { broadcast_shapes({2, 3}, {4}, "myop"); }, {"myop", "(2, 3)", "(4,)"});
  const Tensor row({1, 3}, {1, 2, 3});
  const Tensor b = broadcast_to(row, {2, 2, 3}, "op");
  EXPECT_EQ(b.values(), (std::vector<float>{1, 2, 3, 1, 2, 3, 1, 2, 3, 1, 2, 3}));
  const Tensor column({2, 1}, {10, 20});
  EXPECT_EQ(broadcast_to(column, {2, 3}, "op").values(),
            (std::vector<float>{10, 10, 10, 20, 20, 20}));
  expect_error<InputError>([&] { broadcast_to(row, {3}, "myop: x"); }, {"myop: x shape (1, 3)", "(3,)"});
  expect_error<InputError>([&] { broadcast_to(row, {2, 4}, "myop: x"); }, {"myop: x", "(2, 4)"});
}

TEST(RefTensor, NormalizeAxisAcceptsNegativeAndRejectsOutOfRange) {
  EXPECT_EQ(normalize_axis(-1, 3, "op"), 2u);
  EXPECT_EQ(normalize_axis(0, 3, "op"), 0u);
  expect_error<ConfigError>([] { normalize_axis(3, 3, "softmax"); }, {"softmax", "axis 3"});
  expect_error<ConfigError>([] { normalize_axis(-4, 3, "softmax"); }, {"axis -4"});
}

}  // namespace
}  // namespace tessera::ref
