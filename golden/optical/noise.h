#pragma once
// Per-element Gaussian noise that CPU, CUDA and SystemC reproduce bit for bit.
//
// Irwin-Hall with 12 uniforms, in exact integer arithmetic: from the three Philox blocks
// draw = base_draw + 0, 1, 2 of (seed, stream, index) take the 12 words w_i, k_i = w_i >> 8
// (24-bit), and
//     S = sum_i (2*k_i + 1)                  (an integer < 2^30: exact)
//     g = (S - 12 * 2^24) / 2^25             (one exact double conversion and an exact scaling)
// Each term (2k+1)/2^25 is uniform on the midpoints of a 2^-24 grid: mean exactly 1/2, variance
// (1 - 2^-48)/12, so g has mean exactly 0, variance 1 - 2^-48, support [-6, 6] (no tails beyond
// 6 sigma: an accepted approximation for detector noise). No libm call is involved, unlike
// Box-Muller, whose log/cos differ between CPU and CUDA.
#include <cstdint>

#include "golden/common/host_device.h"
#include "golden/rng/counter_rng.h"

namespace tessera::optical {

// Draw layout of one optical GEMM call (matmul.h): draw = call * kDrawsPerCall + 4 * pass + block,
// pass 0 (signed, or the positive pass of split) or 1 (the negative pass), block 0..2.
constexpr std::uint32_t kDrawsPerCall = 8;
constexpr std::uint32_t kDrawsPerPass = 4;

TESSERA_HOST_DEVICE inline double gaussian_irwin_hall(std::uint64_t seed, std::uint32_t stream,
                                                      std::uint64_t index,
                                                      std::uint32_t base_draw) {
  std::uint64_t sum = 0;
  for (std::uint32_t block = 0; block < 3; ++block) {
    const rng::Words4 words = rng::philox_words(seed, stream, index, base_draw + block);
    for (int i = 0; i < 4; ++i) sum += 2u * static_cast<std::uint64_t>(words.w[i] >> 8) + 1u;
  }
  const std::int64_t centred = static_cast<std::int64_t>(sum) - 12 * (std::int64_t{1} << 24);
  return static_cast<double>(centred) * (1.0 / 33554432.0);  // 2^-25, exact
}

}  // namespace tessera::optical
