#pragma once
// The nets of hw/common's FP32 operators as Yosys builds them, for the optical periphery's DAC and
// ADC (hw/optical: chains of tessera_fp32_add, _mul, _div and _round). Like fp32_round_nets.h for
// the rounder: shifts are log shifters (one mux layer per amount bit behind a zeroing mux), +, -,
// <, > are Brent-Kung adders (brent_kung_nets.h); every branch of an always_comb is built and
// evaluated each cycle, so every branch's nets are emulated whatever branch is taken. A
// zero-delay replay charges a net when its settled value changes, so the toggles of these words
// between two elements are what the operator's energy follows (optical_features.h counts them).
//
// Each operator's nets come in three groups: `front` (add: the operand swap and the alignment
// shifter; mul: the significand product's partial-product rows; div: the normalisation shifters),
// `core` (add: the three magnitude adders and the comparison; mul: the running row sums and the
// product; div: the 27 restoring stages' compare-subtract nets and partial remainders) and `round`
// (tessera_fp32_round on the operator's magnitude and exponent). Every call fills the same number
// of words per group, so two calls compare word by word.
#include <cstdint>
#include <vector>

#include "traces/activity/brent_kung_nets.h"
#include "traces/activity/fp32_round_nets.h"

namespace tessera::traces::activity {

struct Fp32OperatorNets {
  std::vector<std::uint64_t> front, core;
  RoundNetWords round;
};

class Fp32AddNets {  // tessera_fp32_add
 public:
  Fp32AddNets();
  void evaluate(std::uint32_t a, std::uint32_t b, Fp32OperatorNets& nets) const;

 private:
  BrentKungNets adder_, compare_;
  Fp32RoundNets round_;
};

class Fp32MulNets {  // tessera_fp32_mul
 public:
  Fp32MulNets();
  void evaluate(std::uint32_t a, std::uint32_t b, Fp32OperatorNets& nets) const;

 private:
  Fp32RoundNets round_;
};

class Fp32DivNets {  // tessera_fp32_div
 public:
  Fp32DivNets();
  void evaluate(std::uint32_t a, std::uint32_t b, Fp32OperatorNets& nets) const;
  // One restoring stage, remainder >= {0, divisor} ? remainder - {0, divisor} : remainder (25 bits):
  // appends the subtractor's nets, the comparison's nets and the stage's result.
  void stage(std::uint32_t remainder, std::uint32_t divisor, std::vector<std::uint64_t>& out) const;

 private:
  BrentKungNets subtract_, compare_;
  Fp32RoundNets round_;
};

// tessera_fp32_pkg::less(a, b) on two FP32 words as Yosys builds it: both magnitude comparisons
// (a[30:0] > b[30:0] and a[30:0] < b[30:0], 31-bit Brent-Kung carries) appended.
void fp32_less_nets(std::uint32_t a, std::uint32_t b, std::vector<std::uint64_t>& out);

}  // namespace tessera::traces::activity
