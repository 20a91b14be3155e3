#pragma once
// golden's combine_code_sums (golden/optical/matmul.h) for 16 consecutive outputs of one row and
// pass, from the int8 core's code-sum columns. The per-weight-row part of golden's sequence
// (p1 + p2, n_pos * ma, n_neg * ma) is computed once per row by golden's own expressions; the
// rest runs in 8 double lanes, the same IEEE operations in the same order (no FMA), so every
// output has golden's bits. A scalar loop where the build has no AVX-512.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "golden/optical/matmul.h"

namespace tessera::kernels {

class CodeSumCombiner {
 public:
  // row_sums: per pass and weight row (pass * n + j), the activation-free counts and sum_w.
  CodeSumCombiner(const std::vector<optical::CodeSums>& row_sums, const optical::QuantizerParams& input,
                  const optical::QuantizerParams& weight);

  // Outputs j0 .. j0 + 15 of one activation row and pass p, whose code sums are the int8 core's
  // columns kind 0..3 at sums[kind * n + lane] (kind 0: sum qa * (qw - 128) over U, kind 1: sum qa
  // over U, kind 2: over P, kind 3: over N); first_row = p * n + j0. Writes golden's value
  // (negated for pass 1, as the negative pass receives it) to analog[0..15].
  void combine16(const std::int32_t* sums, std::size_t n, std::size_t first_row, bool negate, double* analog) const;

 private:
  double ma_, da_, mw_, dw_, tp_, tn_;
  std::vector<double> plain_part_, pos_count_, neg_count_;  // p1 + p2, n_pos * ma, n_neg * ma per row
};

}  // namespace tessera::kernels
