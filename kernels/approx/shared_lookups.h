#pragma once
// Internal to the gather path (AVX-512 VBMI builds): the shared lookups, for many rows
// (gather_gemm.h: gather_shares_lookups). Per 64-column chunk and block of steps, phase 1 looks up
// the table row of every code once, phase 2 adds per row and step the entry of that row's code
// (shared_lookups.cpp says why and how fast).
#if defined(__AVX512VBMI__)
#include <cstddef>
#include <cstdint>

#include "kernels/approx/gather_sums.h"

namespace tessera::kernels::gather {

// out[r][c] += sum over j < parts of row_offsets[j * m + r] (partial sums of the row's
// offsets), modulo 2^32.
void add_row_offsets(const std::uint32_t* row_offsets, std::size_t parts, std::size_t m, std::size_t n,
                     std::uint64_t work, std::int32_t* out);

// The shared lookups of `planes` (1 or 2) byte planes over every row of a (M x K) and every
// column, added into out (M x N). Row split (Signed false): wt the column codes k-major (K x np),
// source its 256-entry residual rows, offset its per-row offsets (also added). Signed: wt
// signed_weights' indices in ChunkOrder::halves, source the signed split's 128-entry rows and
// masks, offset null.
template <bool Signed>
void shared_lookup_gemm(const LookupSource& source, const std::int32_t* offset, int planes, const std::int8_t* a,
                        const std::uint8_t* wt, std::size_t np, std::size_t m, std::size_t n, std::size_t k,
                        std::int32_t* out);

}  // namespace tessera::kernels::gather
#endif
