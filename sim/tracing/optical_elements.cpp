#include "sim/tracing/optical_elements.h"

#include <algorithm>

#include "golden/common/error.h"
#include "golden/optical/matmul.h"
#include "golden/rng/counter_rng.h"

namespace tessera::tracing {

std::vector<OpticalTile> optical_output_tiles(std::size_t m, std::size_t n, std::size_t rows, std::size_t cols) {
  if (rows == 0 || cols == 0) throw ConfigError("optical tiles: expected at least 1 row and 1 column per tile");
  std::vector<OpticalTile> tiles;
  for (std::size_t m0 = 0; m0 < m; m0 += rows) {
    for (std::size_t n0 = 0; n0 < n; n0 += cols) tiles.push_back({m0, std::min(rows, m - m0), n0, std::min(cols, n - n0)});
  }
  return tiles;
}

OpticalTileElements optical_tile_elements(const units::OpticalGemmOperands& gemm, const OpticalTile& tile) {
  if (gemm.spec == nullptr || tile.m0 + tile.m > gemm.m || tile.n0 + tile.n > gemm.n) {
    throw StateError("optical tile elements: tile outside the GEMM or no specification");
  }
  const std::size_t k = gemm.k;
  const optical::OpticalGemmSpec& spec = *gemm.spec;
  OpticalTileElements out;
  out.input_x.assign(gemm.x + tile.m0 * k, gemm.x + (tile.m0 + tile.m) * k);
  out.weight_x.assign(gemm.w + tile.n0 * k, gemm.w + (tile.n0 + tile.n) * k);
  // Codes are elementwise, so the tile's rows quantize exactly as in the whole GEMM.
  const optical::OperandCodes a =
      optical::quantize_operand(optical::Matrix{tile.m, k, out.input_x}, spec.input, "optical tile activations");
  const optical::OperandCodes w =
      optical::quantize_operand(optical::Matrix{tile.n, k, out.weight_x}, spec.weight, "optical tile weights");

  auto convert = [&](const std::vector<double>& analog, const optical::OutputStage& stage, std::uint32_t pass) {
    const optical::RandomKey rounding = optical::adc_rounding_key(gemm.key, pass);
    for (std::size_t i = 0; i < tile.m; ++i) {
      for (std::size_t j = 0; j < tile.n; ++j) {
        const std::uint64_t index = (tile.m0 + i) * gemm.n + (tile.n0 + j);
        out.adc_y.push_back(optical::adc_input(analog[i * tile.n + j], index, stage, gemm.key, pass));
        out.adc_rand24.push_back(rng::philox_words(rounding.seed, rounding.stream, index, rounding.draw).w[0] >> 8);
      }
    }
  };
  if (spec.split_signs) {
    const optical::SplitProducts analog = optical::analog_products_split(a, w);
    convert(analog.positive, spec.output, 0);
    convert(analog.negative, spec.negative_output, 1);
  } else {
    convert(optical::analog_products(a, w), spec.output, 0);
  }
  const std::size_t pairs = tile.m * tile.n * k;
  out.psum_qa.reserve(pairs);
  out.psum_qw.reserve(pairs);
  out.psum_floor_sign.reserve(pairs);
  for (std::size_t i = 0; i < tile.m; ++i) {
    for (std::size_t j = 0; j < tile.n; ++j) {
      for (std::size_t t = 0; t < k; ++t) {
        out.psum_qa.push_back(a.codes[i * k + t]);
        out.psum_qw.push_back(w.codes[j * k + t]);
        out.psum_floor_sign.push_back(w.floor_signs[j * k + t]);
      }
    }
  }
  return out;
}

}  // namespace tessera::tracing
