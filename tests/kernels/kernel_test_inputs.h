#pragma once
// Inputs shared by the kernels' tests: the CPU-twin tests (vs golden) and the gpu tests (CUDA vs the
// CPU twin) draw the same operands, so a case that passes one comparison is the case the other makes.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <random>
#include <vector>

#include "golden/mx/element_format.h"
#include "golden/optical/matmul.h"
#include "golden/optical/matrix.h"
#include "golden/optical/quantizer.h"

namespace tessera::kernels::test_inputs {

inline std::vector<std::int8_t> random_codes(std::size_t count, std::uint32_t seed) {
  std::mt19937 gen(seed);
  std::uniform_int_distribution<int> dist(-128, 127);
  std::vector<std::int8_t> v(count);
  for (auto& x : v) x = static_cast<std::int8_t>(dist(gen));
  return v;
}

// rows x cols normal values times 2^(offset + uniform in [-spread, spread]).
inline std::vector<float> random_values(std::size_t rows, std::size_t cols, std::uint32_t seed, int spread = 8,
                                        int offset = 0) {
  std::mt19937 gen(seed);
  std::normal_distribution<float> normal(0.0f, 1.0f);
  std::uniform_int_distribution<int> exp(-spread, spread);
  std::vector<float> v(rows * cols);
  for (auto& x : v) x = std::ldexp(normal(gen), exp(gen) + offset);
  return v;
}

// Bit patterns, so that NaNs and signed zeros compare exactly.
inline std::vector<std::uint32_t> bits_of(const std::vector<float>& v) {
  std::vector<std::uint32_t> b(v.size());
  if (!v.empty()) std::memcpy(b.data(), v.data(), v.size() * sizeof(float));
  return b;
}

// The finite non-negative magnitudes of an MX element format, ascending, each once.
inline std::vector<float> element_magnitudes(mx::ElementFormat format) {
  std::vector<float> grid;
  for (unsigned c = 0; c < mx::code_count(format); ++c) {
    const float v = mx::element_to_float(static_cast<std::uint8_t>(c), format);
    if (std::isfinite(v) && v >= 0.0f) grid.push_back(v);
  }
  std::sort(grid.begin(), grid.end());
  grid.erase(std::unique(grid.begin(), grid.end()), grid.end());
  return grid;
}

// Every midpoint between adjacent magnitudes (exact: few significant bits) with one float either
// side, every magnitude, the max and past it: where an encoder tie-breaks and saturates.
inline std::vector<float> tie_row(mx::ElementFormat format) {
  const std::vector<float> grid = element_magnitudes(format);
  std::vector<float> row;
  for (std::size_t i = 0; i + 1 < grid.size(); ++i) {
    const float mid = (grid[i] + grid[i + 1]) / 2.0f;
    row.insert(row.end(), {mid, std::nextafter(mid, 0.0f), std::nextafter(mid, 1e30f), grid[i]});
  }
  row.push_back(grid.back() * 1.0625f);
  row.push_back(grid.back() * 1.5f);
  row.push_back(grid.back());
  return row;
}

inline optical::Matrix random_matrix(std::size_t rows, std::size_t cols, float scale, std::uint32_t seed) {
  std::mt19937 gen(seed);
  std::normal_distribution<float> d(0.0f, scale);
  optical::Matrix mat{rows, cols, std::vector<float>(rows * cols)};
  for (auto& x : mat.data) x = d(gen);
  return mat;
}

// An optical matmul with `levels` DAC/ADC levels, signed or split into two sign passes, with or
// without detector and shot noise.
inline optical::OpticalGemmSpec optical_spec(bool split, bool noise, std::uint32_t levels) {
  optical::OpticalGemmSpec spec;
  spec.input = optical::make_quantizer(levels, -2.0f, 2.0f, 0.0f, "input");
  spec.weight = optical::make_quantizer(levels, -1.0f, 1.0f, 0.05f, "weight");
  spec.output.adc = optical::make_quantizer(levels, split ? 0.0f : -40.0f, 40.0f, 0.0f, "output");
  spec.split_signs = split;
  if (split) spec.negative_output.adc = optical::make_quantizer(levels, 0.0f, 40.0f, 0.0f, "negative output");
  if (noise) {
    spec.output.detector_noise_lsb = 0.7;
    spec.output.shot_noise_photons_full_scale = 5000.0;
    spec.negative_output.detector_noise_lsb = 0.3;
    spec.negative_output.shot_noise_photons_full_scale = 800.0;
  }
  return spec;
}

}  // namespace tessera::kernels::test_inputs
