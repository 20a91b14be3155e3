#include "traces/activity/fp32_round_nets.h"

#include "golden/common/error.h"

namespace tessera::traces::activity {
namespace {

constexpr int kNBits = 25;           // the rounder's n
constexpr std::uint64_t kIntMask = 0xFFFF;  // int-typed values: Yosys keeps the low bits that matter

std::uint64_t low_bits(int bits) { return bits >= 64 ? ~std::uint64_t{0} : (std::uint64_t{1} << bits) - 1; }

int ceil_log2(int x) {
  int bits = 0;
  while ((1 << bits) < x) ++bits;
  return bits;
}

// Appends the adder's nets and its sum.
void adder(const BrentKungNets& nets, std::uint64_t a, std::uint64_t b, bool carry_in, std::uint64_t mask,
           std::vector<std::uint64_t>& out) {
  const std::size_t at = out.size();
  out.resize(at + nets.word_count());
  nets.evaluate(a & mask, b & mask, carry_in, out.data() + at);
  out.push_back((a + b + (carry_in ? 1 : 0)) & mask);
}

// Appends the nets of a comparison, a < b as the borrow of a - b (Yosys keeps no sum).
void comparison(const BrentKungNets& nets, std::uint64_t a, std::uint64_t b, std::uint64_t mask,
                std::vector<std::uint64_t>& out) {
  const std::size_t at = out.size();
  out.resize(at + nets.word_count());
  nets.evaluate(a & mask, ~b & mask, true, out.data() + at);
}

}  // namespace

// techmap.v _90_shift_ops_shr_shl_sshl_sshr: the input zeroed when the amount's bits above the
// stages are set, then one mux layer per amount bit; appends every layer's output.
void log_shifter_nets(std::uint64_t value, std::uint32_t amount, int width, bool left, std::vector<std::uint64_t>& out) {
  const int stages = ceil_log2(width) + 1;
  const std::uint64_t mask = low_bits(width);
  std::uint64_t buffer = (amount >> stages) != 0 ? 0 : value & mask;
  out.push_back(buffer);
  for (int i = 0; i < stages; ++i) {
    if ((amount >> i) & 1u) {
      const int distance = 1 << i;
      buffer = distance >= 64 ? 0 : (left ? buffer << distance : buffer >> distance) & mask;
    }
    out.push_back(buffer);
  }
}

Fp32RoundNets::Fp32RoundNets(int width)
    : width_(width),
      wide_(width),
      wide_comparison_(width, BrentKungNets::Output::carry_out),
      n_adder_(kNBits),
      pack_adder_(32),
      pack_comparison_(32, BrentKungNets::Output::carry_out) {
  if (width < 2 || width > 64) throw Error("Fp32RoundNets: width must be 2..64, got " + std::to_string(width));
}

void Fp32RoundNets::evaluate(std::uint64_t magnitude, int exponent, RoundNetWords& words) const {
  for (std::vector<std::uint64_t>& group : words) group.clear();
  const std::uint64_t mask = low_bits(width_);
  magnitude &= mask;
  int length = 0;
  for (int i = 0; i < width_; ++i) {
    if ((magnitude >> i) & 1u) length = i + 1;
  }
  const int lead = length - 1 + exponent;
  int quantum = (lead < -126 ? -126 : lead) - 23;
  const int shift = quantum - exponent;
  auto& exponent_path = words[static_cast<std::size_t>(RoundNetGroup::exponent_path)];
  for (const int value : {lead, quantum, shift, shift - 1, -shift}) {
    exponent_path.push_back(static_cast<std::uint64_t>(static_cast<std::uint32_t>(value)) & kIntMask);
  }

  // The shift > 0 path.
  auto& right = words[static_cast<std::size_t>(RoundNetGroup::right_shifter)];
  log_shifter_nets(magnitude, static_cast<std::uint32_t>(shift), width_, false, right);
  const std::uint64_t kept = right.back();
  auto& back = words[static_cast<std::size_t>(RoundNetGroup::back_shifter)];
  log_shifter_nets(kept, static_cast<std::uint32_t>(shift), width_, true, back);
  auto& rest_nets = words[static_cast<std::size_t>(RoundNetGroup::rest)];
  adder(wide_, magnitude, ~back.back() & mask, true, mask, rest_nets);
  const std::uint64_t rest = rest_nets.back();
  auto& half_nets = words[static_cast<std::size_t>(RoundNetGroup::half_compare)];
  log_shifter_nets(1, static_cast<std::uint32_t>(shift - 1), width_, true, half_nets);
  const std::uint64_t half = half_nets.back();
  comparison(wide_comparison_, half, rest, mask, half_nets);  // rest > half
  half_nets.push_back(rest ^ half);                          // rest == half
  const bool round_up = rest > half || (rest == half && (kept & 1u));
  auto& increment = words[static_cast<std::size_t>(RoundNetGroup::increment)];
  adder(n_adder_, kept, round_up ? 1 : 0, false, low_bits(kNBits), increment);

  // The shift <= 0 path.
  auto& left = words[static_cast<std::size_t>(RoundNetGroup::left_shifter)];
  log_shifter_nets(magnitude, static_cast<std::uint32_t>(-shift), kNBits, true, left);

  std::uint64_t n = 0;
  if (shift <= 0) {
    n = left.back();
  } else if (shift <= width_) {
    n = increment.back();
  }
  if (n == (std::uint64_t{1} << 24)) {
    n >>= 1;
    ++quantum;
  }
  auto& pack = words[static_cast<std::size_t>(RoundNetGroup::pack)];
  pack.push_back(n);
  const std::uint64_t biased = static_cast<std::uint64_t>(static_cast<std::uint32_t>(quantum + 149)) << 23;
  adder(pack_adder_, biased, n, false, low_bits(32), pack);
  const std::uint64_t bits = pack.back();
  comparison(pack_comparison_, bits, 0x7F800000, low_bits(32), pack);  // >= 0x7F800000: not bits < 0x7F800000
}

}  // namespace tessera::traces::activity
