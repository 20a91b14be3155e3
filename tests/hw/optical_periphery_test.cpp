// The optical MAC array's digital periphery (hw/optical), verilated (tests/hw/rtl/
// tessera_optical_all.sv), against golden/optical bit for bit:
//   FP32 building blocks (add, mul, div) against the host's IEEE binary32 arithmetic;
//   DAC quantizer (code + q_lut_min floor sign) and ADC quantizer (stochastic rounding with the
//   uniform on a port; code + value) on >= 100,000 seeded random elements and configurations;
//   seeded random tiles end to end: DAC codes = quantize_operand, partial sums = code_sums, ADC
//   of the analog products = adc_convert.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <iomanip>
#include <limits>
#include <memory>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "Vtessera_optical_all.h"
#include "golden/mx/fp32_bits.h"
#include "golden/optical/matmul.h"
#include "golden/optical/quantizer.h"
#include "golden/rng/counter_rng.h"
#include "tests/hw/clocked_model.h"
#include "verilated.h"

namespace {

namespace op = tessera::optical;

using tessera::mx::float_bits;
using tessera::mx::float_from_bits;

std::string show(float v) {
  std::ostringstream os;
  os << "0x" << std::hex << std::setw(8) << std::setfill('0') << float_bits(v) << std::dec << " (" << std::setprecision(9)
     << v << ")";
  return os.str();
}

struct OpticalModel : tessera::hw_test::ClockedModel<Vtessera_optical_all> {
  OpticalModel() = default;
};

// --- FP32 building blocks ----------------------------------------------------------------------

float random_finite(std::mt19937_64& rng, int mode, float near) {
  switch (mode) {
    case 0: {  // any finite bit pattern
      std::uint32_t b;
      do b = static_cast<std::uint32_t>(rng()); while (((b >> 23) & 0xFF) == 0xFF);
      return float_from_bits(b);
    }
    case 1: {  // close to `near` in exponent: cancellation, ties
      const int shift = static_cast<int>(rng() % 30) - 3;
      const std::uint32_t b = float_bits(near);
      const int e = static_cast<int>((b >> 23) & 0xFF) - shift;
      return float_from_bits((static_cast<std::uint32_t>(rng()) & 0x807FFFFFu) | (static_cast<std::uint32_t>(std::clamp(e, 0, 254)) << 23));
    }
    case 2: return float_from_bits((static_cast<std::uint32_t>(rng()) & 0x80000000u) | (static_cast<std::uint32_t>(rng()) >> (9 + rng() % 20)));
    default: {  // few significant bits: exact results and exact ties
      const std::uint32_t b = static_cast<std::uint32_t>(rng());
      return float_from_bits((b & 0xFF800000u & 0xBFFFFFFFu) | ((b & 0x7u) << 20) | 0x3C000000u);
    }
  }
}

TEST(HwOpticalFp32, AddMulDivEqualHostIeeeArithmetic) {
  OpticalModel model;
  auto& top = model.top();
  std::mt19937_64 rng(0x0F32'0001);
  int checked = 0;
  for (int i = 0; i < 200000; ++i) {
    const float a = random_finite(rng, i % 4, 1.0f);
    const float b = random_finite(rng, (i / 4) % 4, a);
    top.fa_i = float_bits(a);
    top.fb_i = float_bits(b);
    top.eval();
    const std::string where = "a = " + show(a) + ", b = " + show(b);
    ASSERT_EQ(top.fadd_o, float_bits(a + b)) << "add: " << where << ": RTL " << show(float_from_bits(top.fadd_o));
    ASSERT_EQ(top.fmul_o, float_bits(a * b)) << "mul: " << where << ": RTL " << show(float_from_bits(top.fmul_o));
    if (b != 0.0f) {
      ASSERT_EQ(top.fdiv_o, float_bits(a / b)) << "div: " << where << ": RTL " << show(float_from_bits(top.fdiv_o));
    }
    ++checked;
  }
  EXPECT_EQ(checked, 200000);
}

// --- DAC and ADC ---------------------------------------------------------------------------------

op::QuantizerParams random_params(std::mt19937_64& rng, bool with_floor) {
  std::uniform_real_distribution<float> unit(0.0f, 1.0f);
  const float scale = std::ldexp(1.0f + unit(rng), static_cast<int>(rng() % 24) - 12);
  float lo = 0.0f, hi = 0.0f;
  switch (rng() % 4) {
    case 0: lo = -scale; hi = scale; break;
    case 1: lo = 0.0f; hi = scale; break;
    case 2: lo = -scale * unit(rng); hi = scale * (0.01f + unit(rng)); break;
    default: lo = scale * (unit(rng) - 0.5f); hi = lo + scale * (0.001f + unit(rng)); break;
  }
  if (!(hi > lo)) hi = lo + scale;
  std::int64_t levels = 256;
  switch (rng() % 4) {
    case 0: levels = 2 + static_cast<std::int64_t>(rng() % 65535); break;
    case 1: levels = 2 + static_cast<std::int64_t>(rng() % 15); break;
    case 2: levels = 65536; break;
    default: break;
  }
  const float lut_min = with_floor && rng() % 2 ? unit(rng) * 0.5f : 0.0f;
  return op::make_quantizer(levels, lo, hi, lut_min, "random quantizer");
}

float random_input(std::mt19937_64& rng, const op::QuantizerParams& p) {
  std::uniform_real_distribution<float> unit(0.0f, 1.0f);
  const float r = p.max - p.min;
  switch (rng() % 8) {
    case 0: return p.min + r * (unit(rng) * 1.2f - 0.1f);
    case 1: {  // on the grid, half a step off, or a float neighbour of either
      const auto q = static_cast<std::uint32_t>(rng() % p.levels);
      float v = op::code_value(q, p);
      if (rng() % 2) v = v + 0.5f * r / static_cast<float>(p.levels - 1);
      const int nudge = static_cast<int>(rng() % 3) - 1;
      return float_from_bits(float_bits(v) + static_cast<std::uint32_t>(nudge));
    }
    case 2: return rng() % 2 ? std::numeric_limits<float>::infinity() : -std::numeric_limits<float>::infinity();
    case 3: return rng() % 2 ? 0.0f : -0.0f;
    case 4: return float_from_bits((static_cast<std::uint32_t>(rng()) & 0x80000000u) | (static_cast<std::uint32_t>(rng()) >> 9));
    case 5: return rng() % 2 ? p.min : p.max;
    default: return p.min + r * unit(rng);
  }
}

void set_dac(Vtessera_optical_all& top, const op::QuantizerParams& p) {
  top.dac_min_i = float_bits(p.min);
  top.dac_max_i = float_bits(p.max);
  top.dac_levels_i = p.levels;
  top.dac_lut_min_i = float_bits(p.lut_min);
}
void set_adc(Vtessera_optical_all& top, const op::QuantizerParams& p) {
  top.adc_min_i = float_bits(p.min);
  top.adc_max_i = float_bits(p.max);
  top.adc_levels_i = p.levels;
}
std::string describe(const op::QuantizerParams& p) {
  return "m = " + show(p.min) + ", M = " + show(p.max) + ", L = " + std::to_string(p.levels) +
         ", lut_min = " + show(p.lut_min);
}
std::uint32_t rtl_floor_sign(std::uint32_t bits) { return bits == 1 ? 1 : (bits == 3 ? static_cast<std::uint32_t>(-1) : 0); }

TEST(HwOpticalDac, RandomElementsEqualGolden) {
  OpticalModel model;
  auto& top = model.top();
  std::mt19937_64 rng(0x0DAC'0001);
  int checked = 0;
  for (int config = 0; config < 1000; ++config) {
    const op::QuantizerParams p = random_params(rng, true);
    set_dac(top, p);
    for (int i = 0; i < 100; ++i) {
      const float x = random_input(rng, p);
      top.dac_x_i = float_bits(x);
      top.dac_valid_i = 1;
      model.tick();
      ASSERT_TRUE(top.dac_valid_o);
      const std::uint32_t code = op::code_deterministic(x, p);
      const int sign = op::floor_sign(op::code_value(code, p), p);
      ASSERT_EQ(top.dac_code_o, code) << describe(p) << ", x = " << show(x) << ", grid position "
                                      << show(op::grid_position(x, p));
      ASSERT_EQ(static_cast<int>(rtl_floor_sign(top.dac_floor_sign_o)), sign)
          << describe(p) << ", x = " << show(x) << ", code " << code << ", value(code) = " << show(op::code_value(code, p));
      ++checked;
    }
  }
  EXPECT_EQ(checked, 100000);
}

TEST(HwOpticalAdc, RandomElementsEqualGolden) {
  OpticalModel model;
  auto& top = model.top();
  std::mt19937_64 rng(0x0ADC'0001);
  int checked = 0;
  for (int config = 0; config < 1000; ++config) {
    const op::QuantizerParams p = random_params(rng, false);
    set_adc(top, p);
    for (int i = 0; i < 100; ++i) {
      const float y = random_input(rng, p);
      std::uint32_t r24 = static_cast<std::uint32_t>(rng()) >> 8;
      if (i % 17 == 0) r24 = 0;
      if (i % 19 == 0) r24 = 0xFFFFFF;
      const float u = static_cast<float>(r24) * (1.0f / 16777216.0f);
      top.adc_y_i = float_bits(y);
      top.adc_rand24_i = r24;
      top.adc_valid_i = 1;
      model.tick();
      ASSERT_TRUE(top.adc_valid_o);
      const std::uint32_t code = op::code_stochastic(y, p, u);
      const float value = op::code_value(code, p);
      const std::string where = describe(p) + ", y = " + show(y) + ", rand24 = " + std::to_string(r24) +
                                ", grid position " + show(op::grid_position(y, p));
      ASSERT_EQ(top.adc_code_o, code) << where;
      ASSERT_EQ(top.adc_value_o, float_bits(value)) << where << ", code " << code << ": RTL value " << show(float_from_bits(top.adc_value_o));
      ++checked;
    }
  }
  EXPECT_EQ(checked, 100000);
}

// --- tiles, end to end --------------------------------------------------------------------------

TEST(HwOpticalPeriphery, RandomTilesEqualGolden) {
  OpticalModel model;
  auto& top = model.top();
  std::mt19937_64 rng(0x71E5'0001);
  std::normal_distribution<float> normal(0.0f, 1.0f);
  for (int tile = 0; tile < 40; ++tile) {
    const std::size_t m = 1 + rng() % 6, k = 1 + rng() % 24, n = 1 + rng() % 6;
    op::Matrix x{m, k, std::vector<float>(m * k)}, w{n, k, std::vector<float>(n * k)};
    for (auto& v : x.data) v = normal(rng) * 2.0f;
    for (auto& v : w.data) v = normal(rng) * 0.5f;
    op::OpticalGemmSpec spec;
    spec.input = op::make_quantizer(256, -3.0f, 3.5f, 0.0f, "x");
    spec.weight = op::make_quantizer(rng() % 2 ? 256 : 16, -1.0f, 1.2f, rng() % 2 ? 0.05f : 0.0f, "w");
    spec.output = op::OutputStage{op::make_quantizer(256, -20.0f, 20.0f, 0.0f, "y"), 0.0, 0.0};
    const op::CallKey key{0x5EEDull + static_cast<std::uint64_t>(tile), 3, static_cast<std::uint32_t>(tile)};
    const std::string where = "tile " + std::to_string(tile) + " (M=" + std::to_string(m) + " K=" + std::to_string(k) +
                              " N=" + std::to_string(n) + ")";

    // 1. DAC codes and floor signs of both operands.
    const op::OperandCodes xa = op::quantize_operand(x, spec.input, "x");
    const op::OperandCodes wq = op::quantize_operand(w, spec.weight, "w");
    auto run_dac = [&](const op::Matrix& mat, const op::QuantizerParams& p, const op::OperandCodes& want,
                       std::vector<std::uint32_t>& codes, std::vector<std::int8_t>& signs) {
      set_dac(top, p);
      for (std::size_t i = 0; i < mat.size(); ++i) {
        top.dac_x_i = float_bits(mat.data[i]);
        top.dac_valid_i = 1;
        model.tick();
        codes.push_back(top.dac_code_o);
        signs.push_back(static_cast<std::int8_t>(static_cast<int>(rtl_floor_sign(top.dac_floor_sign_o))));
        ASSERT_EQ(codes.back(), want.codes[i]) << where << " DAC element " << i << " = " << show(mat.data[i]);
        ASSERT_EQ(signs.back(), want.floor_signs[i]) << where << " floor sign of element " << i;
      }
    };
    std::vector<std::uint32_t> qa, qw;
    std::vector<std::int8_t> sa, sw;
    run_dac(x, spec.input, xa, qa, sa);
    run_dac(w, spec.weight, wq, qw, sw);
    if (HasFatalFailure()) return;

    // 2. Partial sums per output (i, j) over k.
    for (std::size_t i = 0; i < m; ++i) {
      for (std::size_t j = 0; j < n; ++j) {
        for (std::size_t t = 0; t < k; ++t) {
          top.ps_valid_i = 1;
          top.ps_first_i = t == 0;
          top.ps_qa_i = qa[i * k + t];
          top.ps_qw_i = qw[j * k + t];
          top.ps_floor_sign_i = sw[j * k + t] > 0 ? 1 : (sw[j * k + t] < 0 ? 3 : 0);
          model.tick();
        }
        top.ps_valid_i = 0;
        const op::CodeSums want = op::code_sums(&xa.codes[i * k], &wq.codes[j * k], &wq.floor_signs[j * k], k);
        const std::string out = where + " output (" + std::to_string(i) + ", " + std::to_string(j) + ")";
        ASSERT_EQ(top.ps_n_plain_o, want.n_plain) << out;
        ASSERT_EQ(top.ps_n_pos_o, want.n_pos) << out;
        ASSERT_EQ(top.ps_n_neg_o, want.n_neg) << out;
        ASSERT_EQ(top.ps_sum_w_o, want.sum_w) << out;
        ASSERT_EQ(top.ps_sum_a_plain_o, want.sum_a_plain) << out;
        ASSERT_EQ(top.ps_sum_aw_o, want.sum_aw) << out;
        ASSERT_EQ(top.ps_sum_a_pos_o, want.sum_a_pos) << out;
        ASSERT_EQ(top.ps_sum_a_neg_o, want.sum_a_neg) << out;
      }
    }

    // 3. ADC of the analog products (combined by the host in double, as golden specifies).
    const std::vector<double> analog = op::analog_products(xa, wq);
    set_adc(top, spec.output.adc);
    const op::RandomKey rounding{key.seed, tessera::rng::make_stream(key.unit, tessera::rng::Purpose::optical_output_rounding),
                                 key.call * 8u};
    for (std::size_t e = 0; e < m * n; ++e) {
      const float want = op::adc_convert(analog[e], e, spec.output, key);
      top.adc_y_i = float_bits(static_cast<float>(analog[e]));
      top.adc_rand24_i = tessera::rng::philox_words(rounding.seed, rounding.stream, e, rounding.draw).w[0] >> 8;
      top.adc_valid_i = 1;
      model.tick();
      ASSERT_EQ(top.adc_value_o, float_bits(want)) << where << " ADC element " << e << ", analog " << std::setprecision(17)
                                                << analog[e] << ": RTL " << show(float_from_bits(top.adc_value_o))
                                                << ", golden " << show(want);
    }
  }
}

}  // namespace
