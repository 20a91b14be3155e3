#include "traces/activity/optical_features.h"

#include <array>
#include <cmath>
#include <cstring>

#include "golden/common/error.h"
#include "traces/activity/bit_count.h"
#include "traces/activity/optical_fp32_nets.h"

namespace tessera::traces::activity {
namespace {

constexpr int kQuotientBits = 27;  // tessera_fp32_div's restoring stages

std::uint32_t bits(float value) {
  std::uint32_t b;
  std::memcpy(&b, &value, sizeof b);
  return b;
}

// The partial remainder after each of the divider's stages for a / b (hw/common/tessera_fp32_div.sv).
std::array<std::uint32_t, kQuotientBits> divider_remainders(float a, float b) {
  auto normalised = [](float v) {
    const std::uint32_t m = bits(v) & 0x7FFFFFFFu;
    std::uint32_t sig = ((m >> 23) != 0 ? 0x800000u : 0u) | (m & 0x7FFFFFu);
    if (sig != 0) {
      while ((sig & 0x800000u) == 0) sig <<= 1;
    }
    return sig;
  };
  std::uint32_t remainder = normalised(a);
  const std::uint32_t divisor = normalised(b);
  std::array<std::uint32_t, kQuotientBits> out{};
  for (int i = kQuotientBits - 1; i >= 0; --i) {
    if (remainder >= divisor) remainder -= divisor;
    if (i > 0) remainder = (remainder << 1) & 0x1FFFFFFu;
    out[static_cast<std::size_t>(i)] = remainder;
  }
  return out;
}

unsigned remainder_toggles(const std::array<std::uint32_t, kQuotientBits>& a,
                           const std::array<std::uint32_t, kQuotientBits>& b) {
  unsigned total = 0;
  for (int i = 0; i < kQuotientBits; ++i) total += count_ones(a[static_cast<std::size_t>(i)] ^ b[static_cast<std::size_t>(i)]);
  return total;
}

// The words of the grid computation and the dequantizer for one element (golden's FP32 steps).
struct QuantizerWords {
  std::uint32_t x = 0, clamped = 0, shifted = 0, quotient = 0, grid = 0, code = 0, fraction = 0, scaled = 0,
                value = 0, extra = 0;  // extra: floor sign (DAC) or rand24 (ADC)
  std::array<std::uint32_t, kQuotientBits> grid_remainders{}, value_remainders{};
  // The operators' nets (optical_fp32_nets.h), one group per feature (kNetFeatures).
  std::vector<std::vector<std::uint64_t>> nets;
};

// The net groups after the word features, in optical_feature_names order.
constexpr std::size_t kNetFeatures = 22;

std::vector<std::uint64_t> flatten(const RoundNetWords& words) {
  std::vector<std::uint64_t> out;
  for (const auto& group : words) out.insert(out.end(), group.begin(), group.end());
  return out;
}

struct OperatorEmulators {
  Fp32AddNets add;
  Fp32MulNets mul;
  Fp32DivNets div;
  Fp32RoundNets code_round{8};  // tessera_optical_dequant's u_code (CodeWidth 8)
  BrentKungNets split_sub{24}, increment{25}, compare25{25, BrentKungNets::Output::carry_out};
};

const OperatorEmulators& emulators() {
  static const OperatorEmulators e;
  return e;
}

void append_operator(std::vector<std::vector<std::uint64_t>>& nets, const Fp32OperatorNets& op) {
  nets.push_back(op.front);
  nets.push_back(op.core);
  nets.push_back(flatten(op.round));
}

void append_adder_nets(const BrentKungNets& adder, std::uint64_t a, std::uint64_t b, bool carry_in, int width,
                       std::vector<std::uint64_t>& out) {
  const std::uint64_t mask = (std::uint64_t{1} << width) - 1;
  const std::size_t at = out.size();
  out.resize(at + adder.word_count());
  adder.evaluate(a & mask, b & mask, carry_in, out.data() + at);
  out.push_back((a + b + (carry_in ? 1 : 0)) & mask);
}

QuantizerWords quantizer_words(float x, const optical::QuantizerParams& p, bool stochastic, std::uint32_t rand24) {
  QuantizerWords w;
  const float clamped = x < p.min ? p.min : (x > p.max ? p.max : x);
  const float denom = (p.max - p.min) + 1e-8f;
  const float shifted = clamped - p.min;
  const float quotient = shifted / denom;
  const float steps = static_cast<float>(p.levels - 1u);
  const float grid = quotient * steps;
  const std::uint32_t code =
      stochastic ? optical::code_stochastic(x, p, static_cast<float>(rand24 & 0xFFFFFFu) * 0x1p-24f)
                 : optical::round_half_even(grid);
  const float code_float = static_cast<float>(code);
  const float fraction = code_float / steps;
  const float scaled = fraction * (p.max - p.min);
  const float value = scaled + p.min;
  w.x = bits(x);
  w.clamped = bits(clamped);
  w.shifted = bits(shifted);
  w.quotient = bits(quotient);
  w.grid = bits(grid);
  w.code = code;
  w.fraction = bits(fraction);
  w.scaled = bits(scaled);
  w.value = bits(value);
  w.extra = stochastic ? (rand24 & 0xFFFFFFu) : static_cast<std::uint32_t>(optical::floor_sign(value, p) & 3);
  w.grid_remainders = divider_remainders(shifted, denom);
  w.value_remainders = divider_remainders(code_float, steps);

  const OperatorEmulators& e = emulators();
  Fp32OperatorNets op;
  w.nets.reserve(kNetFeatures);
  std::vector<std::uint64_t> clamp;  // less(x, m), less(M, x)
  fp32_less_nets(bits(x), bits(p.min), clamp);
  fp32_less_nets(bits(p.max), bits(x), clamp);
  w.nets.push_back(std::move(clamp));
  e.add.evaluate(bits(clamped), bits(p.min) ^ 0x80000000u, op);  // u_shifted
  append_operator(w.nets, op);
  e.div.evaluate(bits(shifted), bits(denom), op);  // u_divide
  append_operator(w.nets, op);
  e.mul.evaluate(bits(quotient), bits(steps), op);  // u_scale
  append_operator(w.nets, op);
  {  // tessera_optical_split on the grid position: every branch's shifters and adders
    std::vector<std::uint64_t> split;
    const std::uint32_t g = bits(grid) & 0x7FFFFFFFu;
    const std::uint32_t sig = ((g >> 23) != 0 ? 0x800000u : 0u) | (g & 0x7FFFFFu);
    const int k = -(((g >> 23) & 0xFFu) == 0 ? -149 : static_cast<int>((g >> 23) & 0xFFu) - 150);
    log_shifter_nets(sig, static_cast<std::uint32_t>(-k), 24, true, split);
    const std::uint64_t floor_whole = split.back();
    log_shifter_nets(sig, static_cast<std::uint32_t>(k), 24, false, split);
    const std::uint64_t floor_k = split.back();
    log_shifter_nets(floor_k, static_cast<std::uint32_t>(k), 24, true, split);
    append_adder_nets(e.split_sub, sig, ~split.back() & 0xFFFFFFu, true, 24, split);
    const std::uint64_t rest = split.back();
    log_shifter_nets(1, static_cast<std::uint32_t>(k - 1), 24, true, split);
    const std::uint64_t half = split.back();
    split.push_back(rest ^ half);
    log_shifter_nets(rest, static_cast<std::uint32_t>(24 - k), 24, true, split);
    log_shifter_nets(sig, static_cast<std::uint32_t>(k - 24), 24, false, split);
    const std::uint64_t floor_int = k <= 0 ? floor_whole : (k <= 24 ? floor_k : 0);
    if (stochastic) {  // round_up = rand24 + frac24 >= 2^24, stepped = floor + round_up, stepped > limit
      const std::uint64_t frac24 = k > 0 && k <= 24 ? (rest << (24 - k)) & 0xFFFFFFu : 0;
      append_adder_nets(e.increment, rand24 & 0xFFFFFFu, frac24, false, 25, split);
      const bool up = (rand24 & 0xFFFFFFu) + frac24 >= 0x1000000u;
      append_adder_nets(e.increment, floor_int, up ? 1 : 0, false, 25, split);
    } else {  // code = floor + round bit
      append_adder_nets(e.increment, floor_int, code - floor_int, false, 25, split);
    }
    w.nets.push_back(std::move(split));
  }
  e.code_round.evaluate(code, 0, op.round);  // u_code
  w.nets.push_back(flatten(op.round));
  e.div.evaluate(bits(code_float), bits(steps), op);  // u_fraction
  append_operator(w.nets, op);
  e.mul.evaluate(bits(fraction), bits(p.max - p.min), op);  // u_scaled
  append_operator(w.nets, op);
  e.add.evaluate(bits(scaled), bits(p.min), op);  // u_offset
  append_operator(w.nets, op);
  std::vector<std::uint64_t> last;
  if (stochastic) {  // the ADC's clamp of stepped to L - 1
    append_adder_nets(e.increment, code, 0, false, 25, last);
  } else {  // the floor's comparisons of value(code) with 0, t+ and -t-
    const float t_plus = p.lut_min * p.max, t_minus = p.lut_min * std::abs(p.min);
    fp32_less_nets(0u, bits(value), last);
    fp32_less_nets(bits(value), bits(t_plus), last);
    fp32_less_nets(bits(value), 0u, last);
    fp32_less_nets(bits(t_minus) ^ 0x80000000u, bits(value), last);
  }
  w.nets.push_back(std::move(last));
  return w;
}

void quantizer_row(Eigen::MatrixXd& out, Eigen::Index row, const QuantizerWords& a, const QuantizerWords& b) {
  const std::uint32_t words_a[] = {a.x, a.clamped, a.shifted, a.quotient, a.grid, a.code, a.fraction, a.scaled, a.value, a.extra};
  const std::uint32_t words_b[] = {b.x, b.clamped, b.shifted, b.quotient, b.grid, b.code, b.fraction, b.scaled, b.value, b.extra};
  Eigen::Index c = 0;
  for (std::size_t i = 0; i < std::size(words_a); ++i) out(row, c++) = count_ones(words_a[i] ^ words_b[i]);
  out(row, c++) = remainder_toggles(a.grid_remainders, b.grid_remainders);
  out(row, c++) = remainder_toggles(a.value_remainders, b.value_remainders);
  for (std::size_t g = 0; g < a.nets.size(); ++g) {
    unsigned total = 0;
    for (std::size_t w = 0; w < a.nets[g].size(); ++w) total += count_ones(a.nets[g][w] ^ b.nets[g][w]);
    out(row, c++) = total;
  }
}

Eigen::MatrixXd quantizer_features(const optical::QuantizerParams& p, const std::vector<float>& x,
                                   const std::vector<std::uint32_t>* rand24) {
  const bool stochastic = rand24 != nullptr;
  if (stochastic && rand24->size() != x.size()) {
    throw InputError("optical ADC features: " + std::to_string(x.size()) + " inputs but " +
                     std::to_string(rand24->size()) + " uniforms");
  }
  const std::size_t columns = optical_feature_names(stochastic ? OpticalUnit::adc : OpticalUnit::dac).size();
  Eigen::MatrixXd out(static_cast<Eigen::Index>(x.size()), static_cast<Eigen::Index>(columns));
  QuantizerWords previous;
  for (std::size_t i = 0; i < x.size(); ++i) {
    const QuantizerWords current = quantizer_words(x[i], p, stochastic, stochastic ? (*rand24)[i] : 0u);
    quantizer_row(out, static_cast<Eigen::Index>(i), current, i == 0 ? current : previous);
    previous = current;
  }
  return out;
}

}  // namespace

namespace {

std::vector<std::string> with_operator_nets(std::vector<std::string> names, const char* last) {
  for (const char* n : {"clamp_compare", "grid_add_front", "grid_add_core", "grid_add_round", "grid_div_front",
                        "grid_div_stages", "grid_div_round", "grid_mul_front", "grid_mul_core", "grid_mul_round",
                        "split_nets", "code_round", "value_div_front", "value_div_stages", "value_div_round",
                        "value_mul_front", "value_mul_core", "value_mul_round", "value_add_front", "value_add_core",
                        "value_add_round"}) {
    names.emplace_back(n);
  }
  names.emplace_back(last);
  return names;
}

}  // namespace

const std::vector<std::string>& optical_feature_names(OpticalUnit unit) {
  static const std::vector<std::string> dac =
      with_operator_nets({"x", "clamped", "shifted", "quotient", "grid", "code", "fraction", "scaled", "value",
                          "floor_sign", "grid_div_remainders", "value_div_remainders"},
                         "floor_compare");
  static const std::vector<std::string> adc =
      with_operator_nets({"y", "clamped", "shifted", "quotient", "grid", "code", "fraction", "scaled", "value",
                          "rand24", "grid_div_remainders", "value_div_remainders"},
                         "code_clamp");
  static const std::vector<std::string> psum = {
      "qa", "qw", "floor_sign", "product", "partial_products", "first", "carries",
      "n_plain", "n_pos", "n_neg", "sum_w", "sum_a_plain", "sum_aw", "sum_a_pos", "sum_a_neg",
      "count_adder_nets", "sum_adder_nets", "adder_operands", "mul_row_sums", "first_toggle", "register_outputs"};
  return unit == OpticalUnit::dac ? dac : unit == OpticalUnit::adc ? adc : psum;
}

Eigen::MatrixXd optical_dac_features(const optical::QuantizerParams& params, const std::vector<float>& x) {
  return quantizer_features(params, x, nullptr);
}

Eigen::MatrixXd optical_adc_features(const optical::QuantizerParams& params, const std::vector<float>& y,
                                     const std::vector<std::uint32_t>& rand24) {
  return quantizer_features(params, y, &rand24);
}

Eigen::MatrixXd optical_psum_features(const std::vector<std::uint32_t>& qa, const std::vector<std::uint32_t>& qw,
                                      const std::vector<std::int8_t>& floor_sign,
                                      const std::vector<std::uint8_t>& first) {
  const std::size_t n = qa.size();
  if (qw.size() != n || floor_sign.size() != n || first.size() != n) {
    throw InputError("optical psum features: qa, qw, floor_sign and first must have the same length");
  }
  const std::size_t columns = optical_feature_names(OpticalUnit::psum).size();
  Eigen::MatrixXd out = Eigen::MatrixXd::Zero(static_cast<Eigen::Index>(n), static_cast<Eigen::Index>(columns));
  // The eight accumulators (golden code_sums order of tessera_optical_psum's outputs) and the
  // carry words of their adders, as the registers and adders see them cycle by cycle.
  std::uint64_t sums[8] = {}, carries[8] = {};
  std::uint64_t previous_sums[8] = {}, previous_carries[8] = {};
  // The accumulators' Brent-Kung adders (SumWidth 64, brent_kung_nets.h), their operands (the
  // first_i and select muxes' outputs) and an array multiplier's running row sums for qa * qw.
  static const BrentKungNets accumulator(64);
  const std::size_t adder_words = accumulator.word_count();
  std::vector<std::uint64_t> nets(8 * adder_words), previous_nets(8 * adder_words);
  std::uint64_t operands[16] = {}, previous_operands[16] = {}, rows[8] = {}, previous_rows[8] = {};
  // The accumulators' outputs change one clock after their inputs: this cycle's register toggles
  // are the previous cycle's sum toggles.
  unsigned register_input_toggles = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const std::size_t p = i == 0 ? 0 : i - 1;
    const std::uint64_t base[8] = {first[i] ? 0 : sums[0], first[i] ? 0 : sums[1], first[i] ? 0 : sums[2],
                                   first[i] ? 0 : sums[3], first[i] ? 0 : sums[4], first[i] ? 0 : sums[5],
                                   first[i] ? 0 : sums[6], first[i] ? 0 : sums[7]};
    const bool pos = floor_sign[i] > 0, neg = floor_sign[i] < 0, plain = !pos && !neg;
    const std::uint64_t addend[8] = {plain ? 1u : 0u, pos ? 1u : 0u, neg ? 1u : 0u, plain ? qw[i] : 0u,
                                     plain ? qa[i] : 0u, plain ? std::uint64_t{qa[i]} * qw[i] : 0u,
                                     pos ? qa[i] : 0u, neg ? qa[i] : 0u};
    for (int s = 0; s < 8; ++s) {
      sums[s] = base[s] + addend[s];
      carries[s] = sums[s] ^ base[s] ^ addend[s];
      accumulator.evaluate(base[s], addend[s], false, nets.data() + static_cast<std::size_t>(s) * adder_words);
      operands[2 * s] = base[s];
      operands[2 * s + 1] = addend[s];
    }
    {
      std::uint64_t running = 0;
      for (int b = 0; b < 8; ++b) {
        running += ((qw[i] >> b) & 1u) ? std::uint64_t{qa[i] & 0xFFu} << b : 0u;
        rows[b] = running;
      }
    }
    const auto r = static_cast<Eigen::Index>(i);
    if (i > 0) {
      out(r, 20) = register_input_toggles;
      register_input_toggles = 0;
      unsigned carry_toggles = 0;
      for (int s = 0; s < 8; ++s) {
        out(r, 7 + s) = count_ones(sums[s] ^ previous_sums[s]);
        register_input_toggles += count_ones(sums[s] ^ previous_sums[s]);
        carry_toggles += count_ones(carries[s] ^ previous_carries[s]);
      }
      out(r, 6) = carry_toggles;
      out(r, 0) = count_ones(qa[i] ^ qa[p]);
      out(r, 1) = count_ones(qw[i] ^ qw[p]);
      out(r, 2) = count_ones(static_cast<std::uint32_t>((floor_sign[i] ^ floor_sign[p]) & 3));
      out(r, 3) = count_ones((qa[i] * qw[i]) ^ (qa[p] * qw[p]));
      // An array multiplier's partial products a_i & b_j: those that change.
      unsigned partial = 0;
      for (int b = 0; b < 24; ++b) {
        const std::uint32_t row_now = ((qw[i] >> b) & 1u) ? qa[i] : 0u;
        const std::uint32_t row_before = ((qw[p] >> b) & 1u) ? qa[p] : 0u;
        partial += count_ones(row_now ^ row_before);
      }
      out(r, 4) = partial;
      out(r, 5) = first[i];
      // first_i fans out to the 512 accumulator muxes: both of its edges cost energy.
      out(r, 19) = (first[i] != 0) != (first[p] != 0) ? 1.0 : 0.0;
      unsigned count_nets = 0, sum_nets = 0, operand_toggles = 0, row_toggles = 0;
      for (std::size_t w = 0; w < 8 * adder_words; ++w) {
        (w < 3 * adder_words ? count_nets : sum_nets) += count_ones(nets[w] ^ previous_nets[w]);
      }
      for (int w = 0; w < 16; ++w) operand_toggles += count_ones(operands[w] ^ previous_operands[w]);
      for (int w = 0; w < 8; ++w) row_toggles += count_ones(rows[w] ^ previous_rows[w]);
      out(r, 15) = count_nets;
      out(r, 16) = sum_nets;
      out(r, 17) = operand_toggles;
      out(r, 18) = row_toggles;
    }
    previous_nets.swap(nets);
    std::copy(std::begin(operands), std::end(operands), std::begin(previous_operands));
    std::copy(std::begin(rows), std::end(rows), std::begin(previous_rows));
    std::copy(std::begin(sums), std::end(sums), std::begin(previous_sums));
    std::copy(std::begin(carries), std::end(carries), std::begin(previous_carries));
  }
  return out;
}

}  // namespace tessera::traces::activity
