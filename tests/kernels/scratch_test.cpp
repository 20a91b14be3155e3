// The kernels' reused scratch buffers (kernels/common/scratch.h): what a slot gives, and that no
// kernel reads a byte it did not write — every path runs on slots poisoned with garbage and must
// still equal golden bit for bit (padding columns, K tails, rows past M).
#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include "golden/approx/catalog.h"
#include "golden/approx/conv.h"
#include "golden/approx/gemm.h"
#include "kernels/approx/approx_gemm.h"
#include "kernels/approx/gather_gemm.h"
#include "kernels/common/scratch.h"
#include "tests/kernels/kernel_test_inputs.h"

namespace tessera::kernels {
namespace {

using test_inputs::random_codes;

void poison_every_slot(unsigned char byte) {
  for (unsigned s = 0; s < static_cast<unsigned>(ScratchSlot::count); ++s) {
    const std::size_t bytes = std::size_t{8} << 20;
    std::memset(scratch_bytes(static_cast<ScratchSlot>(s), bytes), byte, bytes);
  }
}

TEST(Scratch, ASlotKeepsItsMemoryAndIsAligned) {
  auto* first = scratch_buffer<std::int32_t>(ScratchSlot::conv_output, 1000);
  ASSERT_NE(first, nullptr);
  EXPECT_EQ(reinterpret_cast<std::uintptr_t>(first) % 64, 0u);
  first[999] = 7;
  auto* again = scratch_buffer<std::int32_t>(ScratchSlot::conv_output, 10);
  EXPECT_EQ(again, first);
  EXPECT_EQ(again[999], 7);  // a smaller request reuses the memory as it is
  auto* other = scratch_buffer<std::int32_t>(ScratchSlot::conv_columns, 1000);
  EXPECT_NE(other, first);
  auto* grown = scratch_buffer<std::int32_t>(ScratchSlot::conv_output, 1 << 20);
  EXPECT_EQ(reinterpret_cast<std::uintptr_t>(grown) % 64, 0u);
  EXPECT_GE(scratch_bytes_held(), (std::size_t{1} << 20) * sizeof(std::int32_t));
  void* elsewhere = nullptr;
  std::thread([&] { elsewhere = scratch_bytes(ScratchSlot::conv_output, 64); }).join();
  EXPECT_NE(elsewhere, static_cast<void*>(grown));  // each thread has its own slots
}

TEST(Scratch, AHugeSlotIsGivenBackToTheNextSmallRequest) {
  const std::size_t huge = std::size_t{300} << 20, small = std::size_t{1} << 20;
  scratch_bytes(ScratchSlot::gather_rows, huge);
  const std::size_t with_huge = scratch_bytes_held();
  scratch_bytes(ScratchSlot::gather_rows, small);
  EXPECT_GE(with_huge - scratch_bytes_held(), huge - 2 * small);
  const std::size_t kept = std::size_t{100} << 20;  // below the limit a slot keeps its size
  scratch_bytes(ScratchSlot::gather_rows, kept);
  const std::size_t with_kept = scratch_bytes_held();
  scratch_bytes(ScratchSlot::gather_rows, small);
  EXPECT_EQ(scratch_bytes_held(), with_kept);
}

TEST(Scratch, EveryApproxPathIgnoresWhatTheSlotsHeld) {
  struct Shape {
    std::size_t m, n, k;
  };
  // Odd N and K (panel and 4-byte padding), few columns (the transposed gather), K past a step block,
  // rows enough for the gather path's shared lookups.
  const Shape shapes[] = {{7, 33, 257}, {70, 5, 131}, {9, 65, 6}, {130, 3, 300}, {kSharedLookupRows + 5, 70, 40}};
  std::uint32_t seed = 11;
  for (const std::string name : {"exact", "trunc4", "mul8s_1L2H", "mitchell", "mul8s_1KR3"}) {
    const approx::MultiplierTable table = approx::load_multiplier(name);
    for (const bool structured : {true, false}) {
      const ApproxPlan plan(table, structured);
      for (const Shape& s : shapes) {
        const auto a = random_codes(s.m * s.k, seed++);
        const auto w = random_codes(s.n * s.k, seed++);
        const auto expected = approx::approx_gemm(table, a.data(), w.data(), s.m, s.n, s.k);
        for (const unsigned char garbage : {0x00, 0xA5, 0xFF}) {
          poison_every_slot(garbage);
          ASSERT_EQ(approx_gemm(Backend::cpu, plan, a.data(), w.data(), s.m, s.n, s.k), expected)
              << name << " path " << approx_path_name(plan.path()) << " " << s.m << "x" << s.n << "x" << s.k
              << " garbage " << int{garbage};
        }
      }
    }
  }
}

TEST(Scratch, ConvIgnoresWhatTheSlotsHeld) {
  std::uint32_t seed = 300;
  for (const std::string name : {"mul8s_1L2H", "trunc4"}) {
    const approx::MultiplierTable table = approx::load_multiplier(name);
    const ApproxPlan plan(table);
    for (const approx::Conv2dShape& s : test_inputs::conv_shapes()) {
      const auto in = random_codes(s.input_size(), seed++);
      const auto wt = random_codes(s.weight_size(), seed++);
      const auto expected = approx::approx_conv2d(table, in.data(), wt.data(), s);
      poison_every_slot(0xC3);
      ASSERT_EQ(approx_conv2d(Backend::cpu, plan, in.data(), wt.data(), s), expected) << name;
    }
  }
}

}  // namespace
}  // namespace tessera::kernels
