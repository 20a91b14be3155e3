#pragma once
// Co-simulation of the optical MAC array: its digital periphery in RTL (a verilated
// hw/optical/tessera_optical_periphery.sv: DACs, partial sums, ADCs, one pass per edge) around the
// analog core in C++, against the TLM optical model and golden optical_gemm on the same seeded
// operands. The analog core is golden's definition of the optical product: the RTL's exact code
// sums of an output, combined once in double (combine_code_sums), plus noise and the float32 cast
// (adc_input); the core also hands the ADC its uniform (adc_rounding_key). Bias is the host's, added
// to the RTL's value(code) in float32 as golden does.
//
// Driver protocol (optical_output_tile_cycles): output tiles of Rows x Cols outputs in the order
// n-tile, m-tile; each tile's ceil(K/λ) passes on consecutive edges (pass_first_i on the first,
// pass_last_i on the last, lane_valid_i marking the lanes that carry K elements; rows, columns and
// lanes outside the GEMM carry 0.0f), the next tile's first pass on the next edge. In the cycle
// sums_last_o is high, the core reads the finished sums and drives y_i/rand24_i with adc_valid_i;
// value_o follows one edge later. K is innermost so that an output's sums finish in the
// partial-sum units in place and are converted once, as golden's arithmetic requires.
//
// The driver is written once against a small port interface (Io) that the C++-verilated top
// (CppOpticalIo below) and the SystemC testbench (sc_optical_bench.h) both provide:
//   set_config(spec), set_pass(valid, first, last, lanes, x_words, w_words),
//   set_adc(valid, y_words, rand24s), sums_last(), sum(output, field), adc_valid(), value(output),
//   edge(), edges().
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <deque>
#include <random>
#include <string>
#include <vector>

#include "golden/common/error.h"
#include "golden/optical/matmul.h"
#include "golden/rng/counter_rng.h"
#include "hw/common/hw_params.h"
#include "models/optical/optical_array.h"
#include "models/tlm/tlm_system.h"
#include "sim/cosim/clocked_rtl.h"
#include "sim/cosim/cosim_result.h"
#include "sim/cosim/rtl_ports.h"

namespace tessera::cosim {

// The golden CodeSums fields in the order of tessera_optical_periphery's sums_o, each two 32-bit
// words wide (the periphery is verilated at the default SumWidth, golden's uint64).
constexpr int kOpticalSumFields = 8;
static_assert(hw::kOpticalSumWidth == 64, "the optical drivers read each code sum as two 32-bit words");

// Everything one optical GEMM needs: operands, bias, the quantizers and the random key.
struct OpticalOperands {
  optical::Matrix x;  // M x K activations
  optical::Matrix w;  // N x K weights
  std::vector<float> bias;  // N
  optical::OpticalGemmSpec spec;
  optical::CallKey key;
};

// Seeded operands that exercise the whole periphery: activations past both ends of the input
// range (clamping), weights with the lut_min floor active, detector and shot noise on, and an
// output range scaled with sqrt(K) so that most outputs convert inside it and a few clip.
inline OpticalOperands random_optical_operands(const models::GemmShape& shape, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<float> normal(0.0f, 1.0f);
  OpticalOperands o;
  o.x = optical::Matrix{shape.m, shape.k, std::vector<float>(shape.m * shape.k)};
  o.w = optical::Matrix{shape.n, shape.k, std::vector<float>(shape.n * shape.k)};
  for (float& v : o.x.data) v = 1.5f * normal(rng);
  for (float& v : o.w.data) v = 0.5f * normal(rng);
  o.bias.resize(shape.n);
  for (float& v : o.bias) v = 0.25f * normal(rng);
  o.spec.input = optical::make_quantizer(256, -3.0f, 3.5f, 0.0f, "cosim optical input");
  o.spec.weight = optical::make_quantizer(256, -1.0f, 1.2f, 0.05f, "cosim optical weight");
  const float full_scale = std::max(8.0f, 3.0f * std::sqrt(static_cast<float>(shape.k)));
  o.spec.output.adc = optical::make_quantizer(256, -full_scale, full_scale, 0.0f, "cosim optical output");
  o.spec.output.detector_noise_lsb = 0.5;
  o.spec.output.shot_noise_photons_full_scale = 4096.0;
  o.key = optical::CallKey{seed, 3, 1};
  return o;
}

// One output tile of the periphery's stream: outputs [m0, m0+m) x [n0, n0+n), all of K.
struct OpticalOutputTile {
  std::uint64_t m0 = 0, m = 0, n0 = 0, n = 0;
};

// The stream's order: n-tile, then m-tile (K inside each tile).
inline std::vector<OpticalOutputTile> optical_output_tiles(const models::OpticalArrayConfig& config,
                                                           const models::GemmShape& shape) {
  std::vector<OpticalOutputTile> tiles;
  for (std::uint64_t n0 = 0; n0 < shape.n; n0 += config.cols) {
    for (std::uint64_t m0 = 0; m0 < shape.m; m0 += config.rows) {
      tiles.push_back({m0, std::min(config.rows, shape.m - m0), n0, std::min(config.cols, shape.n - n0)});
    }
  }
  return tiles;
}

struct OpticalRtlRun {
  std::vector<float> out;                 // M x N, the periphery's value(code) + bias
  std::vector<std::uint64_t> tile_edges;  // per tile of optical_output_tiles
  double seconds = 0.0;
};

// The analog core's answer for one finished output: the value the ADC receives and its uniform.
struct OpticalDetectorSample {
  std::uint32_t y_bits = 0;
  std::uint32_t rand24 = 0;
};

inline OpticalDetectorSample optical_analog_core(const optical::CodeSums& sums, std::uint64_t index,
                                                 const OpticalOperands& ops) {
  const double analog = optical::combine_code_sums(sums, ops.spec.input, ops.spec.weight);
  const float y = optical::adc_input(analog, index, ops.spec.output, ops.key);
  const optical::RandomKey rounding = optical::adc_rounding_key(ops.key);
  OpticalDetectorSample s;
  std::memcpy(&s.y_bits, &y, 4);
  s.rand24 = rng::philox_words(rounding.seed, rounding.stream, index, rounding.draw).w[0] >> 8;
  return s;
}

// Streams the GEMM through the periphery behind `io` (see the protocol above). The config must
// describe the verilated periphery (rows, cols, wavelengths); signed single pass only.
template <class Io>
void drive_optical_periphery(Io& io, const models::OpticalArrayConfig& config, const OpticalOperands& ops,
                             OpticalRtlRun& run) {
  if (config.split_signs || ops.spec.split_signs) {
    throw ConfigError("cosim optical: the periphery co-simulation runs the signed single pass; split_signs needs a "
                      "second pass per tile that the periphery RTL does not sequence");
  }
  const std::uint64_t rows = config.rows, cols = config.cols, lanes = config.wavelengths;
  const std::uint64_t m_total = ops.x.rows, k_total = ops.x.cols, n_total = ops.w.rows;
  const std::vector<OpticalOutputTile> tiles = optical_output_tiles(config, {m_total, k_total, n_total});
  run.out.assign(m_total * n_total, 0.0f);
  run.tile_edges.assign(tiles.size(), 0);
  io.set_config(ops.spec);

  const auto bits = [](float v) {
    std::uint32_t b;
    std::memcpy(&b, &v, 4);
    return b;
  };
  std::vector<std::uint32_t> x_words(rows * lanes), w_words(cols * lanes);
  std::vector<std::uint32_t> y_words(rows * cols), rand24s(rows * cols);
  std::vector<std::uint64_t> tile_start(tiles.size(), 0);
  std::deque<std::size_t> summing, converting;  // tiles whose last pass / ADC input is in flight
  std::size_t next_tile = 0, finished = 0;
  std::uint64_t k0 = 0;
  // Every pass takes one edge and the pipeline a few more; far beyond that the RTL has lost a tile.
  const std::uint64_t passes = tiles.size() * ((k_total + lanes - 1) / lanes);
  const std::uint64_t edge_limit = io.edges() + passes + 64;
  while (finished < tiles.size()) {
    if (io.edges() > edge_limit) {
      throw StateError("cosim optical: the periphery returned " + std::to_string(finished) + " of " +
                       std::to_string(tiles.size()) + " tiles within " + std::to_string(passes + 64) + " edges");
    }
    // The next pass, if any.
    if (next_tile < tiles.size()) {
      const OpticalOutputTile& t = tiles[next_tile];
      if (k0 == 0) tile_start[next_tile] = io.edges();
      std::uint32_t lane_mask = 0;
      for (std::uint64_t l = 0; l < lanes; ++l) {
        const bool inside_k = k0 + l < k_total;
        if (inside_k) lane_mask |= 1u << l;
        for (std::uint64_t r = 0; r < rows; ++r) {
          x_words[r * lanes + l] = inside_k && r < t.m ? bits(ops.x.data[(t.m0 + r) * k_total + k0 + l]) : 0u;
        }
        for (std::uint64_t c = 0; c < cols; ++c) {
          w_words[c * lanes + l] = inside_k && c < t.n ? bits(ops.w.data[(t.n0 + c) * k_total + k0 + l]) : 0u;
        }
      }
      const bool last = k0 + lanes >= k_total;
      io.set_pass(true, k0 == 0, last, lane_mask, x_words, w_words);
      if (last) {
        summing.push_back(next_tile++);
        k0 = 0;
      } else {
        k0 += lanes;
      }
    } else {
      io.set_pass(false, false, false, 0u, x_words, w_words);
    }
    // A tile's finished sums: the analog core answers in the same cycle, the ADC takes it.
    if (io.sums_last()) {
      if (summing.empty()) throw StateError("cosim optical: the periphery finished sums of a tile never sent");
      const OpticalOutputTile& t = tiles[summing.front()];
      for (std::uint64_t r = 0; r < t.m; ++r) {
        for (std::uint64_t c = 0; c < t.n; ++c) {
          const int o = static_cast<int>(r * cols + c);
          const optical::CodeSums sums{io.sum(o, 0), io.sum(o, 1), io.sum(o, 2), io.sum(o, 3),
                                       io.sum(o, 4), io.sum(o, 5), io.sum(o, 6), io.sum(o, 7)};
          const OpticalDetectorSample s = optical_analog_core(sums, (t.m0 + r) * n_total + t.n0 + c, ops);
          y_words[o] = s.y_bits;
          rand24s[o] = s.rand24;
        }
      }
      io.set_adc(true, y_words, rand24s);
      converting.push_back(summing.front());
      summing.pop_front();
    } else {
      io.set_adc(false, y_words, rand24s);
    }
    io.edge();
    if (io.adc_valid()) {
      if (converting.empty()) throw StateError("cosim optical: the periphery converted a tile never sent to its ADCs");
      const std::size_t index = converting.front();
      converting.pop_front();
      const OpticalOutputTile& t = tiles[index];
      for (std::uint64_t r = 0; r < t.m; ++r) {
        for (std::uint64_t c = 0; c < t.n; ++c) {
          const std::uint32_t value_bits = io.value(static_cast<int>(r * cols + c));
          float value;
          std::memcpy(&value, &value_bits, 4);
          run.out[(t.m0 + r) * n_total + t.n0 + c] = value + ops.bias[t.n0 + c];
        }
      }
      ++finished;
      // A tile's edges run to the next tile's first pass; the last one's to its ADC values.
      run.tile_edges[index] = (index + 1 < tiles.size() ? tile_start[index + 1] : io.edges()) - tile_start[index];
    }
  }
  io.set_pass(false, false, false, 0u, x_words, w_words);
  io.set_adc(false, y_words, rand24s);
}

// The port interface of drive_optical_periphery over a C++-verilated tessera_optical_periphery.
template <class Top>
class CppOpticalIo {
 public:
  CppOpticalIo()
      : rtl_([](Top& top) {
          top.pass_valid_i = 0;
          top.adc_valid_i = 0;
        }) {}
  void set_config(const optical::OpticalGemmSpec& spec) {
    Top& top = rtl_.top();
    top.in_min_i = float_word(spec.input.min);
    top.in_max_i = float_word(spec.input.max);
    top.in_levels_i = spec.input.levels;
    top.w_min_i = float_word(spec.weight.min);
    top.w_max_i = float_word(spec.weight.max);
    top.w_levels_i = spec.weight.levels;
    top.w_lut_min_i = float_word(spec.weight.lut_min);
    top.out_min_i = float_word(spec.output.adc.min);
    top.out_max_i = float_word(spec.output.adc.max);
    top.out_levels_i = spec.output.adc.levels;
  }
  void set_pass(bool valid, bool first, bool last, std::uint32_t lanes, const std::vector<std::uint32_t>& x,
                const std::vector<std::uint32_t>& w) {
    Top& top = rtl_.top();
    top.pass_valid_i = valid;
    top.pass_first_i = first;
    top.pass_last_i = last;
    top.lane_valid_i = lanes;
    if (!valid) return;
    for (std::size_t i = 0; i < x.size(); ++i) put_word(top.x_i, static_cast<int>(i), x[i]);
    for (std::size_t i = 0; i < w.size(); ++i) put_word(top.w_i, static_cast<int>(i), w[i]);
  }
  void set_adc(bool valid, const std::vector<std::uint32_t>& y, const std::vector<std::uint32_t>& rand24) {
    Top& top = rtl_.top();
    top.adc_valid_i = valid;
    if (!valid) return;
    for (std::size_t i = 0; i < y.size(); ++i) {
      put_word(top.y_i, static_cast<int>(i), y[i]);
      put_field(top.rand24_i, static_cast<int>(24 * i), 24, rand24[i]);
    }
  }
  bool sums_last() { return rtl_.top().sums_valid_o && rtl_.top().sums_last_o; }
  std::uint64_t sum(int output, int field) {
    const int word = 2 * (kOpticalSumFields * output + field);  // SumWidth 64: two words per sum
    const auto& sums = rtl_.top().sums_o;
    return get_word(sums, word) | (static_cast<std::uint64_t>(get_word(sums, word + 1)) << 32);
  }
  bool adc_valid() { return rtl_.top().adc_valid_o; }
  std::uint32_t value(int output) { return get_word(rtl_.top().value_o, output); }
  void edge() { rtl_.edge(); }
  std::uint64_t edges() const { return rtl_.edges(); }

 private:
  static std::uint32_t float_word(float v) {
    std::uint32_t b;
    std::memcpy(&b, &v, 4);
    return b;
  }
  ClockedRtl<Top> rtl_;
};

// Compares the periphery's outputs with the model's and golden's (every output bit: two compares
// per output, RTL against model and RTL against golden) and every tile's edges with
// optical_output_tile_cycles.
inline CosimResult compare_optical(const models::OpticalArrayConfig& config, const OpticalOperands& ops,
                                   const OpticalRtlRun& rtl, const models::OpticalTlmResult& model,
                                   const optical::Matrix& golden) {
  const models::GemmShape shape{ops.x.rows, ops.x.cols, ops.w.rows};
  const std::vector<OpticalOutputTile> tiles = optical_output_tiles(config, shape);
  CosimResult result;
  result.board.add_tiles(tiles.size());
  std::uint64_t rtl_cycles = 0;
  const auto bits = [](float v) {
    std::uint32_t b;
    std::memcpy(&b, &v, 4);
    return static_cast<std::uint64_t>(b);
  };
  for (std::size_t i = 0; i < tiles.size(); ++i) {
    const OpticalOutputTile& t = tiles[i];
    result.tiles.push_back(
        {rtl.tile_edges[i], models::optical_output_tile_cycles(config, shape.k, i + 1 == tiles.size())});
    rtl_cycles += rtl.tile_edges[i];
    for (std::uint64_t r = 0; r < t.m; ++r) {
      for (std::uint64_t c = 0; c < t.n; ++c) {
        const std::uint64_t index = (t.m0 + r) * shape.n + t.n0 + c;
        result.board.compare<std::uint64_t>(i, index, bits(model.out.data[index]), bits(rtl.out[index]));
        result.board.compare<std::uint64_t>(i, index, bits(golden.data[index]), bits(rtl.out[index]));
      }
    }
  }
  result.board.add_cycles(rtl_cycles, model.run.simulated_cycles);
  result.board.add_seconds(rtl.seconds, model.run.wall_seconds);
  return result;
}

inline models::OpticalTlmResult run_optical_model(const models::OpticalArrayConfig& config,
                                                  const OpticalOperands& ops) {
  return models::run_optical_tlm(config, ops.x, ops.w, ops.bias, ops.spec, ops.key);
}

// The periphery clocked by this thread (C++-verilated Top) against the TLM model and golden.
// config.rows/cols/wavelengths must match Top's parameters.
template <class Top>
CosimResult cosim_optical(const models::OpticalArrayConfig& config, const models::GemmShape& shape,
                          std::uint64_t seed) {
  const OpticalOperands ops = random_optical_operands(shape, seed);
  OpticalRtlRun rtl;
  const auto start_time = std::chrono::steady_clock::now();
  {
    CppOpticalIo<Top> io;
    drive_optical_periphery(io, config, ops, rtl);
  }
  rtl.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_time).count();
  const models::OpticalTlmResult model = run_optical_model(config, ops);
  const optical::Matrix golden = optical::optical_gemm(ops.x, ops.w, ops.bias, ops.spec, ops.key);
  return compare_optical(config, ops, rtl, model, golden);
}

}  // namespace tessera::cosim
