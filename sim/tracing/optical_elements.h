#pragma once
// The elements each converter of the optical periphery consumes for one output tile of an optical
// GEMM (golden/optical/matmul.h), computed from the GEMM's FP32 operands exactly as golden does:
//   input DAC      x[m0 + i][k], row-major over the tile's rows and all of K
//   weight DAC     w[n0 + j][k], row-major over the tile's weight rows and all of K
//   ADC            per pass (0; split: 0 then 1), per output (i, j) row-major: y = adc_input(analog,
//                  index = (m0 + i) * N + (n0 + j)) and rand24 = philox word 0 >> 8 of
//                  adc_rounding_key(key, pass) at that index (u = rand24 / 2^24)
//   psum           per output (i, j) row-major, its K pairs (qa[i][k], qw[j][k], floor_sign[j][k])
// Shared by trace recording and the runtime's periphery sampler, so both see the same elements.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "sim/units/emulated_op.h"

namespace tessera::tracing {

struct OpticalTile {
  std::size_t m0 = 0, m = 0, n0 = 0, n = 0;
};
// The M x N output cut into tiles of rows x cols, row tiles outer.
std::vector<OpticalTile> optical_output_tiles(std::size_t m, std::size_t n, std::size_t rows, std::size_t cols);

struct OpticalTileElements {
  std::vector<float> input_x;          // m * k
  std::vector<float> weight_x;         // n * k
  std::vector<float> adc_y;            // passes * m * n
  std::vector<std::uint32_t> adc_rand24;
  std::vector<std::uint32_t> psum_qa;  // m * n * k
  std::vector<std::uint32_t> psum_qw;
  std::vector<std::int8_t> psum_floor_sign;
};

OpticalTileElements optical_tile_elements(const units::OpticalGemmOperands& gemm, const OpticalTile& tile);

}  // namespace tessera::tracing
