#pragma once
// The gather path of the approximate GEMM: any 256 x 256 int16 table.
//   out[r][c] = sum_k lut[(uint8(a[r][k]) << 8) | uint8(w[c][k])]   (int32, K <= kMaxInt32Depth)
// Entries are int16 and the sum is an integer, so any summation order gives golden's bits.
// With AVX-512 VBMI the table runs as its row split (row_split.h): the linear part as one integer
// GEMM, the per-row offsets as a sum over K, and only the residual looked up, row by row as 0, 1
// or 2 byte planes (or one plus a few exception rows), the looked-up bytes summed by AMX tiles or
// in vector registers (LookupSums); with many rows, each step's lookups are shared by the rows
// (gather_shares_lookups). A table odd in its column operand (sign-magnitude designs) may run
// its signed split instead (signed_split.h; gather_uses_signed_split). Portable: every entry looked
// up from the table.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "kernels/approx/row_split.h"
#include "kernels/approx/signed_split.h"

namespace tessera::kernels {

// A table prepared for gather_gemm: the entries (row index = the a operand) and their row split.
struct GatherTable {
  explicit GatherTable(const std::int16_t* lut);
  GatherTable(const std::int16_t* lut, TableSplits splits);
  std::vector<std::int16_t> lut;
  RowSplit split;
  // One plane plus exception rows, for calls whose activations seldom hold those rows' codes
  // (row_split.h); chosen per call by split_for (the activations' codes counted first).
  std::optional<RowSplit> sparse_split;
  // When the table is odd in its column operand (signed_split.h): half the lookups per plane (run
  // per call where gather_uses_signed_split says so).
  std::optional<SignedSplit> signed_split;
};

// The split gather_gemm runs on the row operand a (M x K): the usual one, or sparse_split when the
// fraction of a's codes that are its exception rows makes it cheaper (estimated_cost).
const RowSplit& split_for(const GatherTable& table, const std::int8_t* a, std::size_t m, std::size_t k);

// From this many rows (a's) on, the lookups can be shared by the rows: every code's table row is
// looked up once per step and 64 columns, and each row adds its codes' entries (no per-row
// lookup). Otherwise each row looks up its own (gather_shares_lookups decides).
inline constexpr std::size_t kSharedLookupRows = 1024;

// The prepared table for `lut`, shared: splitting takes ~20 ms, and every layer of a network that
// uses the same multiplier gets the same one (a process-wide cache keyed by the entries; an entry
// lives while some plan holds it).
std::shared_ptr<const GatherTable> shared_gather_table(const std::int16_t* lut);

// How the lookup passes (where the rows do not share lookups) sum their looked-up bytes. amx_tiles: the
// bytes go to memory and AMX sums them (tdpbuud against a 0/1 selector tile), which leaves the
// vector ports to the lookups; vector: uint16 sums in registers. The same bits either way.
enum class LookupSums { amx_tiles, vector };

// amx_tiles where the build has AVX-512 VBMI and AMX and the kernel grants the process the tiles.
bool lookup_sums_available(LookupSums sums);
// The fastest available.
LookupSums lookup_sums();

// Whether gather_gemm shares the lookups of `rows` rows over `columns` columns: from
// kSharedLookupRows rows on; with tile sums only when the columns are fewer than 256 (the direct
// passes then fill their 4-chunk groups and ran faster than the shared lookups up to 4096 rows).
bool gather_shares_lookups(std::size_t rows, std::size_t columns, LookupSums sums);

// Whether this build has the signed split's passes (AVX-512 VBMI).
bool signed_lookups_built();

// Whether gather_gemm (either entry point) runs the table's signed split for the row operand a
// (M x K): in a build that has it, where its estimated cost is below that of the row split that
// split_for picks (split_cost.h: Mitchell, DRUM4, DRUM6 on uniform and on normal codes), on the
// direct passes and on the shared lookups alike. The call itself then still runs the row
// split where more than 1 in 32 of the column operand's codes are -128 (each costs every row a
// scalar update).
bool gather_uses_signed_split(const GatherTable& table, const std::int8_t* a, std::size_t m, std::size_t k);

// a: M x K, w: N x K (row-major codes), out: M x N. Throws ConfigError if `sums` is not available.
void gather_gemm(const GatherTable& table, const std::int8_t* a, const std::int8_t* w, std::size_t m,
                 std::size_t n, std::size_t k, std::int32_t* out, LookupSums sums = lookup_sums());

// The same with the column operand k-major, the layout the lookups read (a conv's im2col can
// write it directly): w_t[kk * column_stride + c] = w[c][kk], column_stride a multiple of 64 and
// >= N (the codes of the padding columns do not reach the result). Throws ConfigError otherwise.
void gather_gemm_k_major(const GatherTable& table, const std::int8_t* a, const std::uint8_t* w_t,
                         std::size_t column_stride, std::size_t m, std::size_t n, std::size_t k, std::int32_t* out,
                         LookupSums sums = lookup_sums());

}  // namespace tessera::kernels
