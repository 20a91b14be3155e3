#pragma once
// The operands of the signed split's passes (signed_split.h; run by gather_gemm.cpp), defined in
// AVX-512 VBMI builds only: the weights as lookup indices and masks (in a pass's chunk order), the
// correction for the shifted and NOTed lookups, and the -128 codes of the column operand with
// their own update.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "kernels/approx/signed_split.h"

namespace tessera::kernels {

struct SignedWeights {
  const std::uint8_t* indices;
  const std::uint64_t* masks;
};

// The orders a pass reads a 64-code chunk in: position p of the chunk holds column order(p).
enum class ChunkOrder {
  columns,  // p
  tiles,    // 16 (p % 4) + p / 4: the tile passes' (a slot's sums come out in column order)
  halves,   // 32 (p % 2) + p / 2: the shared lookups' (the uint16 sums' even bytes are columns 0..31)
};
// Position p of a chunk in `order` (see above).
std::uint8_t chunk_column(ChunkOrder order, std::size_t p);

// From wt (K x np codes; bytes = K * np), into per-thread scratch, each chunk in `order`: the
// lookup index, the magnitude (-128 reads as 0) with the sign in bit 7 (vpermb reads bits 5:0),
// and per 64 codes two masks: bit 6 of the magnitudes, the signs (-128 negative).
SignedWeights signed_weights(const std::uint8_t* wt, std::size_t bytes, ChunkOrder order, std::uint64_t work);

// out += the signed split's correction for its shifted and NOTed lookups (signed_split.h), modulo
// 2^32: W (2 sum_k u(a[r][k]) s(w[c][k]) - sum_k u(a[r][k])) - N sum_k s(w[c][k]), the first sum
// one u8 x s8 integer GEMM of the shifts and the 0/1 signs. a: M x K, w: N x K codes.
void add_signed_corrections(const SignedSplit& split, const std::int8_t* a, const std::int8_t* w, std::size_t m,
                            std::size_t n, std::size_t k, std::int32_t* out);

// Where the column operand (wt: K x np codes, N real columns) holds -128: per step, the columns.
struct MinusOneTwentyEight {
  std::vector<std::uint32_t> step_begin;  // K + 1 offsets into columns
  std::vector<std::uint32_t> columns;
};
MinusOneTwentyEight list_minus_128(const std::uint8_t* wt, std::size_t np, std::size_t n, std::size_t k);

// out[r][c] += at_minus_128(a[r][k]) for every step k where w[c][k] is -128 (`list`), modulo 2^32.
void signed_minus_128(const SignedSplit& split, const std::int8_t* a, const MinusOneTwentyEight& list, std::size_t m,
                      std::size_t n, std::size_t k, std::int32_t* out);

}  // namespace tessera::kernels
