#pragma once
// Inputs shared by the kernels' tests: the CPU-twin tests (vs golden) and the gpu tests (CUDA vs the
// CPU twin) draw the same operands, so a case that passes one comparison is the case the other makes.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "golden/approx/catalog.h"
#include "golden/approx/conv.h"
#include "golden/common/error.h"
#include "golden/mx/element_format.h"
#include "golden/mx/policy.h"
#include "golden/mx/tensor.h"
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

// Codes as a network's activations hold them: normal (sigma 20), rounded, clamped to +-127 (symmetric
// int8 quantization never gives -128).
inline std::vector<std::int8_t> normal_codes(std::size_t count, std::uint32_t seed) {
  std::mt19937 gen(seed);
  std::normal_distribution<float> spread(0.0f, 20.0f);
  std::vector<std::int8_t> v(count);
  for (auto& x : v) x = static_cast<std::int8_t>(std::clamp(std::lround(spread(gen)), -127L, 127L));
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

// Every bundled table and a spread of the parametric multipliers (truncated, broken-array, DRUM,
// Mitchell): the tables every approx kernel is compared on.
inline std::vector<std::string> all_multiplier_names() {
  std::vector<std::string> names;
  for (const auto& b : approx::bundled_multipliers()) names.push_back(b.name);
  for (const char* p : {"exact", "trunc1", "trunc3", "trunc5", "trunc7", "bam_h2_v0", "bam_h3_v6", "bam_h0_v4",
                        "bam_h7_v7", "drum4", "drum6", "mitchell"}) {
    names.emplace_back(p);
  }
  return names;
}

// Random codes (every code of the format, NaN/Inf codes included) and scale bytes in
// [scale_lo, scale_hi] (255 = NaN).
inline mx::QuantizedRows random_rows(std::size_t rows, std::size_t cols, mx::ElementFormat f, std::size_t block,
                                     int scale_lo, int scale_hi, std::uint32_t seed) {
  std::mt19937 gen(seed);
  mx::QuantizedRows q = mx::empty_quantized_rows(rows, cols, f, block);
  std::uniform_int_distribution<int> code(0, static_cast<int>(mx::code_count(f)) - 1), scale(scale_lo, scale_hi);
  for (auto& c : q.codes) c = static_cast<std::uint8_t>(code(gen));
  for (auto& s : q.scales) s = static_cast<std::uint8_t>(scale(gen));
  return q;
}

// The default policy, stochastic rounding and every preset's policy that `format` accepts.
inline std::vector<mx::QuantizePolicy> quantize_policies(mx::ElementFormat format) {
  std::vector<mx::QuantizePolicy> policies(1);
  mx::QuantizePolicy stochastic;
  stochastic.rounding = mx::ElementRounding::stochastic;
  stochastic.seed = 1234;
  policies.push_back(stochastic);
  for (const mx::Preset& preset : mx::presets()) {
    try {
      mx::validate_policy(preset.quantize, format);
      policies.push_back(preset.quantize);
    } catch (const ConfigError&) {
    }
  }
  return policies;
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

// Convolutions that exercise every index path: odd sizes with padding; stride, dilation, an
// asymmetric kernel and groups; depthwise with 1-row outputs; no padding; a deep reduction.
inline std::vector<approx::Conv2dShape> conv_shapes() {
  std::vector<approx::Conv2dShape> shapes;
  {
    approx::Conv2dShape s;  // 3x3, pad 1, odd sizes
    s.batch = 2; s.in_channels = 3; s.in_height = 7; s.in_width = 9; s.out_channels = 5;
    s.kernel_height = 3; s.kernel_width = 3; s.pad_h = 1; s.pad_w = 1;
    shapes.push_back(s);
  }
  {
    approx::Conv2dShape s;  // stride, dilation, asymmetric kernel, groups
    s.batch = 1; s.in_channels = 4; s.in_height = 11; s.in_width = 13; s.out_channels = 6;
    s.kernel_height = 3; s.kernel_width = 2; s.stride_h = 2; s.stride_w = 3; s.pad_h = 2; s.pad_w = 1;
    s.dilation_h = 2; s.dilation_w = 1; s.groups = 2;
    shapes.push_back(s);
  }
  {
    approx::Conv2dShape s;  // depthwise, 1x1 output rows
    s.batch = 3; s.in_channels = 5; s.in_height = 1; s.in_width = 33; s.out_channels = 5;
    s.kernel_height = 1; s.kernel_width = 5; s.pad_w = 2; s.groups = 5;
    shapes.push_back(s);
  }
  {
    approx::Conv2dShape s;  // no padding, stride and dilation: every row's field inside the input
    s.batch = 2; s.in_channels = 3; s.in_height = 9; s.in_width = 10; s.out_channels = 4;
    s.kernel_height = 3; s.kernel_width = 3; s.stride_h = 2; s.stride_w = 1; s.dilation_h = 1; s.dilation_w = 2;
    shapes.push_back(s);
  }
  {
    approx::Conv2dShape s;  // deep reduction: K = 64 * 3 * 3 = 576
    s.batch = 1; s.in_channels = 64; s.in_height = 8; s.in_width = 8; s.out_channels = 7;
    s.kernel_height = 3; s.kernel_width = 3; s.pad_h = 1; s.pad_w = 1;
    shapes.push_back(s);
  }
  {
    approx::Conv2dShape s;  // padding wider than the input: whole taps and output rows read only padding
    s.batch = 2; s.in_channels = 2; s.in_height = 1; s.in_width = 2; s.out_channels = 1;
    s.kernel_height = 2; s.kernel_width = 3; s.stride_w = 2; s.pad_h = 2; s.pad_w = 3;
    shapes.push_back(s);
  }
  return shapes;
}

// MX rows with the special blocks: row 0 holds a NaN, row 1 an Inf, row 2 signed zeros, row 3 FP32
// subnormals, row 4 values near FLT_MAX (each where the rows exist).
inline void inject_specials(std::vector<float>& v, std::size_t cols) {
  if (v.size() < 3 * cols) return;
  v[1] = std::numeric_limits<float>::quiet_NaN();
  v[cols + 2] = std::numeric_limits<float>::infinity();
  for (std::size_t c = 0; c < cols; ++c) v[2 * cols + c] = (c % 2) ? -0.0f : 0.0f;
  if (v.size() >= 5 * cols) {
    for (std::size_t c = 0; c < cols; ++c) v[3 * cols + c] = std::ldexp(1.0f + c % 7, -140);
    for (std::size_t c = 0; c < cols; ++c) v[4 * cols + c] = std::ldexp(-1.0f - c % 5, 125);
  }
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
