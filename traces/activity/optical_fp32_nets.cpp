#include "traces/activity/optical_fp32_nets.h"

namespace tessera::traces::activity {
namespace {

constexpr int kGuard = 26;         // tessera_fp32_add's guard bits
constexpr int kAddWidth = 51;      // its aligned significands
constexpr int kQuotientBits = 27;  // tessera_fp32_div's restoring stages
constexpr int kRemainderBits = 25;

std::uint64_t low_bits(int bits) { return bits >= 64 ? ~std::uint64_t{0} : (std::uint64_t{1} << bits) - 1; }

std::uint32_t significand(std::uint32_t word) {
  return ((word >> 23) & 0xFFu ? 0x800000u : 0u) | (word & 0x7FFFFFu);
}

int lsb_exponent(std::uint32_t word) {
  const int field = static_cast<int>((word >> 23) & 0xFFu);
  return field == 0 ? -149 : field - 150;
}

void append_adder(const BrentKungNets& nets, std::uint64_t a, std::uint64_t b, bool carry_in, int width,
                  std::vector<std::uint64_t>& out) {
  const std::uint64_t mask = low_bits(width);
  const std::size_t at = out.size();
  out.resize(at + nets.word_count());
  nets.evaluate(a & mask, b & mask, carry_in, out.data() + at);
  out.push_back((a + b + (carry_in ? 1 : 0)) & mask);
}

// a < b as the borrow of a - b: the carry-out nets of a + ~b + 1.
void append_comparison(const BrentKungNets& nets, std::uint64_t a, std::uint64_t b, int width,
                       std::vector<std::uint64_t>& out) {
  const std::uint64_t mask = low_bits(width);
  const std::size_t at = out.size();
  out.resize(at + nets.word_count());
  nets.evaluate(a & mask, ~b & mask, true, out.data() + at);
}

}  // namespace

Fp32AddNets::Fp32AddNets()
    : adder_(kAddWidth), compare_(kAddWidth, BrentKungNets::Output::carry_out), round_(kAddWidth) {}

void Fp32AddNets::evaluate(std::uint32_t a, std::uint32_t b, Fp32OperatorNets& nets) const {
  nets.front.clear();
  nets.core.clear();
  const std::uint32_t sig_a = significand(a), sig_b = significand(b);
  const int exp_a = lsb_exponent(a), exp_b = lsb_exponent(b);
  const bool a_big = exp_a >= exp_b;
  const std::uint32_t sig_big = a_big ? sig_a : sig_b, sig_small = a_big ? sig_b : sig_a;
  const bool sign_big = ((a_big ? a : b) >> 31) != 0, sign_small = ((a_big ? b : a) >> 31) != 0;
  const int exp_big = a_big ? exp_a : exp_b;
  const int distance = a_big ? exp_a - exp_b : exp_b - exp_a;
  const std::uint64_t mask = low_bits(kAddWidth);
  const std::uint64_t big_sig = std::uint64_t{sig_big} << kGuard, small_sig = std::uint64_t{sig_small} << kGuard;
  // The swap muxes, both subtractions of the exponents (exp_a - exp_b, exp_b - exp_a) and the shifters.
  nets.front.push_back(sig_big);
  nets.front.push_back(sig_small);
  nets.front.push_back(static_cast<std::uint32_t>(exp_a - exp_b) & 0xFFFFu);
  nets.front.push_back(static_cast<std::uint32_t>(exp_b - exp_a) & 0xFFFFu);
  log_shifter_nets(small_sig, static_cast<std::uint32_t>(distance), kAddWidth, false, nets.front);
  const std::uint64_t shifted = nets.front.back();
  log_shifter_nets(shifted, static_cast<std::uint32_t>(distance), kAddWidth, true, nets.front);
  const bool sticky = distance > 50 ? sig_small != 0 : nets.front.back() != small_sig;
  const std::uint64_t aligned = (distance > 50 ? 0 : shifted) | (sticky ? 1u : 0u);
  nets.front.push_back(aligned);
  // All three magnitude adders and the comparison are built; the muxes pick one.
  append_adder(adder_, big_sig, aligned, false, kAddWidth, nets.core);
  append_adder(adder_, big_sig, ~aligned & mask, true, kAddWidth, nets.core);
  append_adder(adder_, aligned, ~big_sig & mask, true, kAddWidth, nets.core);
  append_comparison(compare_, big_sig, aligned, kAddWidth, nets.core);
  std::uint64_t magnitude;
  if (sign_big == sign_small) {
    magnitude = (big_sig + aligned) & mask;
  } else if (big_sig >= aligned) {
    magnitude = big_sig - aligned;
  } else {
    magnitude = aligned - big_sig;
  }
  nets.core.push_back(magnitude);
  round_.evaluate(magnitude, exp_big - kGuard, nets.round);
}

Fp32MulNets::Fp32MulNets() : round_(48) {}

void Fp32MulNets::evaluate(std::uint32_t a, std::uint32_t b, Fp32OperatorNets& nets) const {
  nets.front.clear();
  nets.core.clear();
  const std::uint64_t sig_a = significand(a), sig_b = significand(b);
  // Partial-product rows a & b_j and the running sums of an array multiplier (a proxy of the
  // reduction tree's nets).
  std::uint64_t running = 0;
  for (int j = 0; j < 24; ++j) {
    const std::uint64_t row = ((sig_b >> j) & 1u) ? sig_a : 0u;
    nets.front.push_back(row);
    running += row << j;
    nets.core.push_back(running);
  }
  nets.core.push_back(static_cast<std::uint32_t>(lsb_exponent(a) + lsb_exponent(b)) & 0xFFFu);
  round_.evaluate(sig_a * sig_b, lsb_exponent(a) + lsb_exponent(b), nets.round);
}

Fp32DivNets::Fp32DivNets()
    : subtract_(kRemainderBits), compare_(kRemainderBits, BrentKungNets::Output::carry_out), round_(kQuotientBits) {}

void Fp32DivNets::stage(std::uint32_t remainder, std::uint32_t divisor, std::vector<std::uint64_t>& out) const {
  const std::uint64_t mask = low_bits(kRemainderBits);
  append_adder(subtract_, remainder, ~std::uint64_t{divisor} & mask, true, kRemainderBits, out);
  append_comparison(compare_, remainder, divisor, kRemainderBits, out);
  out.push_back(remainder >= divisor ? (remainder - divisor) & mask : remainder & mask);
}

void Fp32DivNets::evaluate(std::uint32_t a, std::uint32_t b, Fp32OperatorNets& nets) const {
  nets.front.clear();
  nets.core.clear();
  std::uint32_t sig_a = significand(a), sig_b = significand(b);
  int exp_a = lsb_exponent(a), exp_b = lsb_exponent(b);
  int lead_a = 23, lead_b = 23;
  for (int i = 0; i < 24; ++i) {
    if ((sig_a >> i) & 1u) lead_a = i;
    if ((sig_b >> i) & 1u) lead_b = i;
  }
  nets.front.push_back(static_cast<std::uint32_t>(lead_a));
  nets.front.push_back(static_cast<std::uint32_t>(lead_b));
  log_shifter_nets(sig_a, static_cast<std::uint32_t>(23 - lead_a), 24, true, nets.front);
  sig_a = static_cast<std::uint32_t>(nets.front.back());
  log_shifter_nets(sig_b, static_cast<std::uint32_t>(23 - lead_b), 24, true, nets.front);
  sig_b = static_cast<std::uint32_t>(nets.front.back());
  exp_a -= 23 - lead_a;
  exp_b -= 23 - lead_b;
  std::uint32_t remainder = sig_a, quotient = 0;
  for (int i = kQuotientBits - 1; i >= 0; --i) {
    stage(remainder, sig_b, nets.core);
    if (remainder >= sig_b) {
      quotient |= 1u << i;
      remainder -= sig_b;
    }
    if (i > 0) remainder = (remainder << 1) & static_cast<std::uint32_t>(low_bits(kRemainderBits));
  }
  const std::uint64_t magnitude = quotient | (remainder != 0 ? 1u : 0u);
  nets.core.push_back(magnitude);
  round_.evaluate(magnitude, exp_a - exp_b - (kQuotientBits - 1), nets.round);
}

void fp32_less_nets(std::uint32_t a, std::uint32_t b, std::vector<std::uint64_t>& out) {
  static const BrentKungNets compare(31, BrentKungNets::Output::carry_out);
  append_comparison(compare, b & 0x7FFFFFFFu, a & 0x7FFFFFFFu, 31, out);  // a > b
  append_comparison(compare, a & 0x7FFFFFFFu, b & 0x7FFFFFFFu, 31, out);  // a < b
}

}  // namespace tessera::traces::activity
