#include "traces/activity/brent_kung_nets.h"

#include "golden/common/error.h"

namespace tessera::traces::activity {

BrentKungNets::BrentKungNets(int width, Output output) {
  if (width < 1 || width > 64) throw Error("BrentKungNets: width must be 1..64, got " + std::to_string(width));
  const std::uint64_t all = width == 64 ? ~std::uint64_t{0} : (std::uint64_t{1} << width) - 1;
  int levels = 0;
  while ((1 << levels) < width) ++levels;
  const auto add_step = [&](int level, int first) {
    Step step;
    step.distance = 1 << (level - 1);
    for (int j = first; j < width; j += 1 << level) step.positions |= std::uint64_t{1} << j;
    step.positions &= all;
    if (step.positions != 0) steps_.push_back(step);
  };
  // _90_lcu: the main tree updates 2^i - 1 + m 2^i for i = 1..log2, the inverse tree
  // 2^i + 2^(i-1) - 1 + m 2^i for i = log2..1.
  for (int i = 1; i <= levels; ++i) add_step(i, (1 << i) - 1);
  for (int i = levels; i > 0; --i) add_step(i, (1 << i) + (1 << (i - 1)) - 1);
  // Backwards from the carries the output reads (the sum: positions 0..width-2; a comparison:
  // width-1): a live g_j update reads the old g_j, p_j and g_(j-d); a live p_j update reads the
  // old p_j and p_(j-d).
  std::uint64_t need_g = output == Output::sum ? all >> 1 : std::uint64_t{1} << (width - 1);
  std::uint64_t need_p = 0;
  for (auto step = steps_.rbegin(); step != steps_.rend(); ++step) {
    step->live_generates = step->positions & need_g;
    step->live_propagates = step->positions & need_p;
    need_g = (need_g & ~step->positions) | step->live_generates | (step->live_generates >> step->distance);
    need_p = (need_p & ~step->positions) | step->live_generates | step->live_propagates |
             (step->live_propagates >> step->distance);
  }
  live_bit_generates_ = need_g;
  // The sum reads every propagate; g_0 | p_0 & carry_in reads p_0.
  live_bit_propagates_ = output == Output::sum ? all : need_p | (need_g & 1u);
}

void BrentKungNets::evaluate(std::uint64_t a, std::uint64_t b, bool carry_in, std::uint64_t* words) const {
  std::uint64_t p = a ^ b, g = a & b;
  words[0] = p & live_bit_propagates_;
  words[1] = g & live_bit_generates_;
  if (carry_in) g |= p & 1u;  // g[0] | p[0] & CI
  std::size_t w = 2;
  // Within a step no position reads another of the same step, so a step is one word operation.
  for (const Step& step : steps_) {
    const std::uint64_t term = p & (g << step.distance) & step.positions;
    g |= term;
    p = (p & ~step.positions) | (p & (p << step.distance) & step.positions);
    words[w++] = term & step.live_generates;
    words[w++] = g & step.live_generates;
    words[w++] = p & step.live_propagates;
  }
}

}  // namespace tessera::traces::activity
