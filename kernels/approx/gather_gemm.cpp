// The gather path of the approximate GEMM (gather_gemm.h).
//
// Weights are transposed to K x Np bytes (Np = N rounded up to 64; padding columns read code 0
// and are never written out), so that for a fixed k the weights of 64 columns are one register.
// Unless the rows share their lookups (gather_shares_lookups; shared_lookups.h), each row looks up
// its own table rows: work unit kRowBlock activation rows x one column group, the whole K in blocks
// of kStepBlock (kTileStepBlock with tile sums), through the passes of gather_vector_passes.h or
// gather_tile_passes.h.
#include "kernels/approx/gather_gemm.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <map>
#include <mutex>
#include <numeric>
#include <string>
#include <utility>
#include <vector>

#include <omp.h>

#if defined(__SSE2__)
#include <immintrin.h>
#endif

#include "golden/approx/table.h"
#include "golden/common/error.h"
#include "kernels/approx/expanded_gemm.h"
#include "kernels/approx/gather_sums.h"
#include "kernels/approx/gather_tile_passes.h"
#include "kernels/approx/gather_vector_passes.h"
#include "kernels/approx/shared_lookups.h"
#include "kernels/approx/signed_operands.h"
#include "kernels/common/amx_tiles.h"
#include "kernels/common/byte_table.h"
#include "kernels/common/parallel.h"
#include "kernels/common/scratch.h"
#include "kernels/common/transpose.h"

namespace tessera::kernels {
namespace {

constexpr std::size_t kRowBlock = 32;
constexpr std::size_t kGroupColumns = 256;  // a work unit's columns (the direct passes)

// w (N x K) as K x np bytes into reused scratch; padding columns are written as code 0.
const std::uint8_t* transpose_weights(const std::int8_t* w, std::size_t n, std::size_t k, std::size_t np,
                                      std::uint64_t work) {
  std::uint8_t* wt = scratch_buffer<std::uint8_t>(ScratchSlot::gather_columns, k * np);
  transpose_bytes(reinterpret_cast<const std::uint8_t*>(w), k, n, k, wt, np, work);
  for (std::size_t kk = 0; kk < k; ++kk) std::fill(wt + kk * np + n, wt + (kk + 1) * np, std::uint8_t{0});
  return wt;
}

#if defined(__AVX512VBMI__)
using namespace gather;

// Steps per pass: the tile passes drain their AMX sums once per block (gather_tile_passes.h).
std::size_t step_block(bool tiles) {
#if defined(TESSERA_AMX_TILES)
  if (tiles) return kTileStepBlock;
#else
  (void)tiles;
#endif
  return kStepBlock;
}

// A work unit's rows (a_row[0 .. count)) x `chunks` chunks from c0, steps [k0, k1).
// With tiles (LookupSums::amx_tiles), wt is tile_ordered_weights.
void residual_pass(const RowSplit& split, bool two_planes, bool tiles, const std::int8_t* const* a_row,
                   std::size_t count, const std::uint8_t* wt, const std::uint64_t* masks, std::size_t np,
                   std::size_t c0, std::size_t chunks, std::size_t k0, std::size_t k1, std::int32_t* const* out_row,
                   std::size_t valid) {
#if defined(TESSERA_AMX_TILES)
  if (tiles) {
    const LookupSource source{{split.low.data(), split.high.data()}, nullptr};
    tile_passes<false>(two_planes ? 2 : 1, source, a_row, count, wt, np, c0, chunks, k0, k1, out_row, valid);
    return;
  }
#endif
  if (two_planes) {
    for (std::size_t r = 0; r < count; ++r) {
      switch (chunks) {
        case 4: two_plane_pass<4>(split, a_row[r], wt, masks, np, c0, k0, k1, out_row + r, valid); break;
        case 3: two_plane_pass<3>(split, a_row[r], wt, masks, np, c0, k0, k1, out_row + r, valid); break;
        case 2: two_plane_pass<2>(split, a_row[r], wt, masks, np, c0, k0, k1, out_row + r, valid); break;
        default: two_plane_pass<1>(split, a_row[r], wt, masks, np, c0, k0, k1, out_row + r, valid); break;
      }
    }
    return;
  }
  for (std::size_t c = 0; c < chunks; c += 2) {
    const std::size_t cc = c0 + 64 * c, left = valid - std::min(valid, 64 * c);
    const bool pair = c + 1 < chunks;
    std::size_t r = 0;
    for (; r + 2 <= count; r += 2) {
      if (pair) one_plane_pass<2, 2>(split, a_row + r, wt, np, cc, k0, k1, out_row + r, left);
      else one_plane_pass<2, 1>(split, a_row + r, wt, np, cc, k0, k1, out_row + r, left);
    }
    if (r < count) {
      if (pair) one_plane_pass<1, 2>(split, a_row + r, wt, np, cc, k0, k1, out_row + r, left);
      else one_plane_pass<1, 1>(split, a_row + r, wt, np, cc, k0, k1, out_row + r, left);
    }
  }
}

// Rows looked up apart from the passes, per step that holds their code: the row split's
// exception rows (row_split.h; their high bytes, the passes having looked up the low ones) and
// the signed split's (signed_split.h; their whole biased entries).
struct ExceptionRows {
  std::array<const std::uint8_t*, 256> high{};  // per code: its 256 high bytes by uint8(b); nullptr: not an exception
  std::array<const std::uint8_t*, 256> low{};   // its low bytes, where the passes did not look them up
  std::uint32_t bias = 0;                       // subtracted from every column per step listed
};

ExceptionRows exception_rows(const RowSplit& split) {
  ExceptionRows rows;
  for (const std::uint8_t code : split.exception_rows) rows.high[code] = split.high.data() + (std::size_t{code} << 8);
  return rows;
}

ExceptionRows exception_rows(const SignedSplit& split) {
  ExceptionRows rows;
  for (std::size_t i = 0; i < split.exception_rows.size(); ++i) {
    rows.high[split.exception_rows[i]] = split.exception_high.data() + 256 * i;
    rows.low[split.exception_rows[i]] = split.exception_low.data() + 256 * i;
  }
  rows.bias = static_cast<std::uint32_t>(SignedSplit::kExceptionBias);
  return rows;
}

// out[r][c] += sum over the steps k where a[r][k] is an exception code of 256 * high(a, w[c][k])
// + low(a, w[c][k]) - bias, modulo 2^32. Per row, those steps are listed first (a scan of the
// row's K codes), then each 64-column chunk sums their bytes as the vector passes do.
void exception_pass(const ExceptionRows& rows, const std::int8_t* a, const std::uint8_t* wt, std::size_t np,
                    std::size_t m, std::size_t n, std::size_t k, std::int32_t* out) {
  const __m512i zero = _mm512_setzero_si512();
#pragma omp parallel if(worth_parallel(std::uint64_t{m} * n * k))
  {
    std::vector<std::uint32_t> hits;
#pragma omp for schedule(dynamic, 16)
    for (std::ptrdiff_t r = 0; r < static_cast<std::ptrdiff_t>(m); ++r) {
      const std::int8_t* row = a + static_cast<std::size_t>(r) * k;
      hits.clear();
      for (std::size_t kk = 0; kk < k; ++kk) {
        if (rows.high[static_cast<std::uint8_t>(row[kk])] != nullptr) hits.push_back(static_cast<std::uint32_t>(kk));
      }
      if (hits.empty()) continue;
      std::int32_t* out_row = out + static_cast<std::size_t>(r) * n;
      for (std::size_t c0 = 0; c0 < n; c0 += 64) {
        for (std::size_t h0 = 0; h0 < hits.size(); h0 += kStepBlock) {
          ColumnSums sums{zero, zero, zero, zero};
          for (std::size_t h = h0; h < std::min(hits.size(), h0 + kStepBlock); ++h) {
            const std::size_t kk = hits[h];
            const std::uint8_t code = static_cast<std::uint8_t>(row[kk]);
            const __m512i idx = _mm512_loadu_si512(wt + kk * np + c0);
            const QuarterMasks masks = quarter_masks(idx);
            __m512i t[4];
            load_byte_table(rows.high[code], t);
            add_bytes(sums.raw_high, sums.odd_high, lookup64(t, idx, masks));
            if (rows.low[code] != nullptr) {
              load_byte_table(rows.low[code], t);
              add_bytes(sums.raw_low, sums.odd_low, lookup64(t, idx, masks));
            }
          }
          fold64(sums, out_row + c0, std::min<std::size_t>(64, n - c0));
        }
      }
      const std::uint32_t bias = rows.bias * static_cast<std::uint32_t>(hits.size());
      if (bias == 0) continue;
      for (std::size_t c = 0; c < n; ++c) out_row[c] = static_cast<std::int32_t>(static_cast<std::uint32_t>(out_row[c]) - bias);
    }
  }
}

// out = the linear part of a split (linear_part.h), modulo 2^32.
void linear_terms(const LinearPart& linear, const std::int8_t* a, const std::int8_t* w, std::size_t m, std::size_t n,
                  std::size_t k, std::int32_t* out) {
  if (linear.terms == 0) {
    std::fill(out, out + m * n, 0);
    return;
  }
  std::array<std::uint8_t, kMaxLinearTerms> shift;
  shift.fill(128);
  expanded_int8_gemm(
      a, w, m, n, k, static_cast<std::size_t>(linear.terms), shift.data(),
      [&](std::size_t j) {
        const auto& coefficient = linear.coefficient[j];
        return [&coefficient](std::int8_t code) { return int{coefficient[static_cast<std::uint8_t>(code)]}; };
      },
      [&](std::size_t j) {
        const auto& basis = linear.basis[j];
        return [&basis](std::int8_t code) { return int{basis[static_cast<std::uint8_t>(code)]}; };
      },
      out);
  // (basis[0] is b itself: the helper's plane 0.)
}

// row_offsets[r] = sum_k offset(a[r][k]), modulo 2^32.
void sum_row_offsets(const RowSplit& split, const std::int8_t* a, std::size_t m, std::size_t k, std::uint64_t work,
                     std::uint32_t* row_offsets) {
  std::uint32_t offset[256];
  for (std::size_t c = 0; c < 256; ++c) offset[c] = static_cast<std::uint32_t>(split.offset[c]);
#pragma omp parallel for schedule(static) if(worth_parallel(work))
  for (std::ptrdiff_t r = 0; r < static_cast<std::ptrdiff_t>(m); ++r) {
    row_offsets[r] = sum_through_table(offset, a + static_cast<std::size_t>(r) * k, k);
  }
}

// A work unit's activation rows (kRowBlock at most) and their output rows.
struct UnitRows {
  const std::int8_t* a_row[kRowBlock];
  std::int32_t* out_row[kRowBlock];
  std::size_t count;
};

// Runs unit(rows, c0, chunks, valid) over every kRowBlock rows x kGroupColumns columns, in
// parallel; with tiles, each thread has the lookup tiles configured and the selector loaded.
template <class Unit>
void for_each_work_unit(const std::int8_t* a, std::size_t m, std::size_t n, std::size_t k, bool tiles, Unit unit,
                        std::int32_t* out) {
  // From the real columns: a k-major caller's stride may hold whole groups of padding.
  const std::size_t groups = (n + kGroupColumns - 1) / kGroupColumns;
  const std::size_t row_blocks = (m + kRowBlock - 1) / kRowBlock;
#if defined(TESSERA_AMX_TILES)
  const TileConfig config = full_tiles(kLookupTiles);
#else
  (void)tiles;
#endif
#pragma omp parallel if(worth_parallel(std::uint64_t{m} * n * k))
  {
#if defined(TESSERA_AMX_TILES)
  if (tiles) {
    load_tile_config(config);
    _tile_loadd(0, tile_selector(), 64);
  }
#endif
#pragma omp for collapse(2) schedule(dynamic)
  for (std::ptrdiff_t g = 0; g < static_cast<std::ptrdiff_t>(groups); ++g) {
    for (std::ptrdiff_t rb = 0; rb < static_cast<std::ptrdiff_t>(row_blocks); ++rb) {
      const std::size_t c0 = static_cast<std::size_t>(g) * kGroupColumns;
      const std::size_t r0 = static_cast<std::size_t>(rb) * kRowBlock;
      UnitRows rows;
      rows.count = std::min(m, r0 + kRowBlock) - r0;
      for (std::size_t i = 0; i < rows.count; ++i) {
        rows.a_row[i] = a + (r0 + i) * k;
        rows.out_row[i] = out + (r0 + i) * n;
      }
      const std::size_t valid = std::min(kGroupColumns, n - c0);
      unit(rows, c0, (valid + 63) / 64, valid);
    }
  }
#if defined(TESSERA_AMX_TILES)
  if (tiles) _tile_release();
#endif
  }  // omp parallel
}

// wt: the column operand k-major (K x np); w: the same N x K, read only by the linear part.
void gather_gemm_vbmi(const RowSplit& split, const std::int8_t* a, const std::int8_t* w, const std::uint8_t* wt,
                      std::size_t np, std::size_t m, std::size_t n, std::size_t k, std::int32_t* out, LookupSums sums) {
  const std::uint64_t work = std::uint64_t{m} * n * k;
  linear_terms(split.linear, a, w, m, n, k, out);
  const bool two_planes = split.exception_rows.empty() && split.rows_with_planes(2) > 0;
  if (gather_shares_lookups(m, n, sums) && split.rows_with_planes(0) < 256) {
    const LookupSource source{{split.low.data(), split.high.data()}, nullptr};
    shared_lookup_gemm<false>(source, split.offset.data(), two_planes ? 2 : 1, a, wt, np, m, n, k, out);  // adds the row offsets too
    if (!split.exception_rows.empty()) exception_pass(exception_rows(split), a, wt, np, m, n, k, out);
    return;
  }
  std::uint32_t* row_offsets = scratch_buffer<std::uint32_t>(ScratchSlot::gather_row_offsets, m);
  sum_row_offsets(split, a, m, k, work, row_offsets);
  add_row_offsets(row_offsets, 1, m, n, work, out);
  if (split.rows_with_planes(0) == 256) return;
  // Every step runs the table's widest row: sorting a mixed table's steps by plane count cost
  // more than the narrow rows saved (measured). A constant residual is 0 and reads as zeros. With
  // exception rows, every step runs one plane and the exceptions' high bytes come after.
  const bool tiles = sums == LookupSums::amx_tiles;
  const std::uint64_t* masks = two_planes && !tiles ? bit6_masks(wt, k * np, work) : nullptr;
#if defined(TESSERA_AMX_TILES)
  const std::uint8_t* wt_pass = tiles ? tile_ordered_weights(wt, k * np, work) : wt;
#else
  const std::uint8_t* wt_pass = wt;
#endif
  const std::size_t block = step_block(tiles);
  for_each_work_unit(a, m, n, k, tiles, [&](const UnitRows& unit, std::size_t c0, std::size_t chunks, std::size_t valid) {
    for (std::size_t k0 = 0; k0 < k; k0 += block) {
      residual_pass(split, two_planes, tiles, unit.a_row, unit.count, wt_pass, masks, np, c0, chunks, k0,
                    std::min(k, k0 + block), unit.out_row, valid);
    }
  }, out);
  if (!split.exception_rows.empty()) exception_pass(exception_rows(split), a, wt, np, m, n, k, out);
}

// Above this fraction of -128 codes in the column operand the row split runs instead: each one
// costs every row a scalar update (uniform codes hold 1 in 256).
constexpr std::size_t kMaxMinus128Share = 32;  // 1 in 32

// The signed split's lookups on the direct passes (tile or vector sums), added into out.
void signed_direct_passes(const SignedSplit& split, const std::int8_t* a, const std::uint8_t* wt, std::size_t np,
                          std::size_t m, std::size_t n, std::size_t k, std::int32_t* out, LookupSums sums) {
  const bool tiles = sums == LookupSums::amx_tiles;
  const SignedWeights weights = signed_weights(wt, k * np, tiles ? ChunkOrder::tiles : ChunkOrder::columns,
                                               std::uint64_t{m} * n * k);
  const LookupSource source{{split.low.data(), split.high.data()}, weights.masks};
  const std::size_t block = step_block(tiles);
  for_each_work_unit(a, m, n, k, tiles, [&](const UnitRows& unit, std::size_t c0, std::size_t chunks, std::size_t valid) {
    for (std::size_t k0 = 0; k0 < k; k0 += block) {
      const std::size_t k1 = std::min(k, k0 + block);
#if defined(TESSERA_AMX_TILES)
      if (tiles) {
        tile_passes<true>(split.planes, source, unit.a_row, unit.count, weights.indices, np, c0, chunks, k0, k1,
                          unit.out_row, valid);
        continue;
      }
#endif
      if (split.planes == 2) signed_vector_passes<2>(source, unit.a_row, unit.count, weights.indices, np, c0, chunks, k0, k1, unit.out_row, valid);
      else signed_vector_passes<1>(source, unit.a_row, unit.count, weights.indices, np, c0, chunks, k0, k1, unit.out_row, valid);
    }
  }, out);
}

// The signed split: a: M x K, w: N x K, wt: the same K x np; the lookups summed by `sums` (or
// shared by the rows). Returns false, having written nothing, where the column operand holds too
// many -128 codes.
bool signed_gather_gemm(const SignedSplit& split, const std::int8_t* a, const std::int8_t* w, const std::uint8_t* wt,
                        std::size_t np, std::size_t m, std::size_t n, std::size_t k, std::int32_t* out, LookupSums sums) {
  const MinusOneTwentyEight minus_128 = list_minus_128(wt, np, n, k);
  if (minus_128.columns.size() * kMaxMinus128Share > n * k) return false;
  linear_terms(split.linear, a, w, m, n, k, out);
  add_signed_corrections(split, a, w, m, n, k, out);
  if (gather_shares_lookups(m, n, sums)) {
    const SignedWeights weights = signed_weights(wt, k * np, ChunkOrder::halves, std::uint64_t{m} * n * k);
    const LookupSource source{{split.low.data(), split.high.data()}, weights.masks};
    shared_lookup_gemm<true>(source, nullptr, split.planes, a, weights.indices, np, m, n, k, out);
  } else {
    signed_direct_passes(split, a, wt, np, m, n, k, out, sums);
  }
  signed_minus_128(split, a, minus_128, m, n, k, out);
  if (!split.exception_rows.empty()) exception_pass(exception_rows(split), a, wt, np, m, n, k, out);
  return true;
}
#endif

// Portable: int32 table entries (32-bit gathers where the compiler vectorises), the table row of
// one activation in L1 while kPortableColumns weights index it.
constexpr std::size_t kPortableRows = 4;
constexpr std::size_t kPortableColumns = 512;

[[maybe_unused]] void gather_gemm_portable(const std::vector<std::int16_t>& lut, const std::int8_t* a, const std::uint8_t* wt,
                                           std::size_t np, std::size_t m, std::size_t n, std::size_t k, std::int32_t* out) {
  const std::uint64_t work = std::uint64_t{m} * n * k;
  const std::vector<std::int32_t> wide(lut.begin(), lut.end());
  const std::size_t row_blocks = (m + kPortableRows - 1) / kPortableRows;
  const std::size_t col_tiles = (np + kPortableColumns - 1) / kPortableColumns;
#pragma omp parallel for collapse(2) schedule(dynamic) if(worth_parallel(work))
  for (std::ptrdiff_t rb = 0; rb < static_cast<std::ptrdiff_t>(row_blocks); ++rb) {
    for (std::ptrdiff_t ct = 0; ct < static_cast<std::ptrdiff_t>(col_tiles); ++ct) {
      const std::size_t r0 = static_cast<std::size_t>(rb) * kPortableRows;
      const std::size_t rows = std::min(kPortableRows, m - r0);
      const std::size_t c0 = static_cast<std::size_t>(ct) * kPortableColumns;
      const std::size_t cols = std::min(kPortableColumns, np - c0);
      std::int32_t acc[kPortableRows][kPortableColumns] = {};
      for (std::size_t kk = 0; kk < k; ++kk) {
        const std::uint8_t* wk = wt + kk * np + c0;
        for (std::size_t r = 0; r < rows; ++r) {
          const std::int32_t* t =
              wide.data() + (static_cast<std::size_t>(static_cast<std::uint8_t>(a[(r0 + r) * k + kk])) << 8);
#pragma omp simd
          for (std::size_t c = 0; c < cols; ++c) acc[r][c] += t[wk[c]];
        }
      }
      const std::size_t valid = c0 >= n ? 0 : std::min(cols, n - c0);
      for (std::size_t r = 0; r < rows; ++r) std::copy(acc[r], acc[r] + valid, out + (r0 + r) * n + c0);
    }
  }
}

}  // namespace

GatherTable::GatherTable(const std::int16_t* entries) : GatherTable(entries, table_splits(entries)) {}

GatherTable::GatherTable(const std::int16_t* entries, TableSplits splits)
    : lut(entries, entries + approx::kTableEntries),
      split(std::move(splits.usual)),
      sparse_split(std::move(splits.sparse)),
      signed_split(split_signed(entries)) {}

namespace {

// The row split a call runs and its estimated cost (split_cost.h).
struct RowSplitChoice {
  const RowSplit* split;
  double cost;
};

RowSplitChoice choose_row_split(const GatherTable& table, const std::int8_t* a, std::size_t m, std::size_t k) {
  const RowSplitChoice usual{&table.split, estimated_cost(table.split, 0.0)};
  if (!table.sparse_split || m * k == 0) return usual;
  std::uint32_t is_exception[256] = {};
  for (const std::uint8_t code : table.sparse_split->exception_rows) is_exception[code] = 1;
  std::uint64_t hits = 0;
  constexpr std::size_t kPiece = std::size_t{1} << 31;  // the counts stay below 2^32
  for (std::size_t i = 0; i < m * k; i += kPiece) hits += sum_through_table(is_exception, a + i, std::min(kPiece, m * k - i));
  const double sparse_cost = estimated_cost(*table.sparse_split, static_cast<double>(hits) / static_cast<double>(m * k));
  return sparse_cost < usual.cost ? RowSplitChoice{&*table.sparse_split, sparse_cost} : usual;
}

}  // namespace

const RowSplit& split_for(const GatherTable& table, const std::int8_t* a, std::size_t m, std::size_t k) {
  return *choose_row_split(table, a, m, k).split;
}

std::shared_ptr<const GatherTable> shared_gather_table(const std::int16_t* lut) {
  static std::mutex mutex;
  static std::map<std::uint64_t, std::vector<std::weak_ptr<const GatherTable>>> cache;
  std::uint64_t hash = 14695981039346656037ull;  // FNV-1a over the entries
  for (std::size_t i = 0; i < approx::kTableEntries; ++i) {
    hash = (hash ^ static_cast<std::uint16_t>(lut[i])) * 1099511628211ull;
  }
  const std::lock_guard<std::mutex> lock(mutex);
  std::vector<std::weak_ptr<const GatherTable>>& bucket = cache[hash];
  bucket.erase(std::remove_if(bucket.begin(), bucket.end(), [](const auto& entry) { return entry.expired(); }),
               bucket.end());
  for (const auto& entry : bucket) {
    std::shared_ptr<const GatherTable> table = entry.lock();
    if (table && std::equal(table->lut.begin(), table->lut.end(), lut)) return table;
  }
  auto table = std::make_shared<const GatherTable>(lut);
  bucket.push_back(table);
  return table;
}

bool lookup_sums_available(LookupSums sums) {
  if (sums == LookupSums::vector) return true;
#if defined(__AVX512VBMI__) && defined(TESSERA_AMX_TILES)
  return amx_granted();
#else
  return false;
#endif
}

LookupSums lookup_sums() {
  return lookup_sums_available(LookupSums::amx_tiles) ? LookupSums::amx_tiles : LookupSums::vector;
}

bool gather_shares_lookups(std::size_t rows, std::size_t columns, LookupSums sums) {
  if (rows < kSharedLookupRows) return false;
  return sums == LookupSums::vector || columns < kGroupColumns;
}

namespace {
// Whether a call runs the table's signed split rather than the row split `choice`.
bool runs_signed(const GatherTable& table, const RowSplitChoice& choice) {
#if defined(__AVX512VBMI__)
  return table.signed_split && estimated_cost(*table.signed_split) < choice.cost;
#else
  (void)table, (void)choice;
  return false;
#endif
}
}  // namespace

bool signed_lookups_built() {
#if defined(__AVX512VBMI__)
  return true;
#else
  return false;
#endif
}

bool gather_uses_signed_split(const GatherTable& table, const std::int8_t* a, std::size_t m, std::size_t k) {
  return runs_signed(table, choose_row_split(table, a, m, k));
}

namespace {

void require_available(LookupSums sums) {
  if (!lookup_sums_available(sums)) {
    throw ConfigError("gather_gemm: lookup sums on AMX tiles are not available (the build needs AVX-512 VBMI "
                      "and AMX, and the kernel must grant the tile state)");
  }
}
}  // namespace

void gather_gemm(const GatherTable& table, const std::int8_t* a, const std::int8_t* w, std::size_t m, std::size_t n,
                 std::size_t k, std::int32_t* out, LookupSums sums) {
  require_available(sums);
  if (m == 0 || n == 0) return;
  if (k == 0) {
    std::fill(out, out + m * n, 0);
    return;
  }
  const std::size_t np = (n + 63) / 64 * 64;
  const std::uint8_t* wt = transpose_weights(w, n, k, np, std::uint64_t{m} * n * k);
#if defined(__AVX512VBMI__)
  const RowSplitChoice choice = choose_row_split(table, a, m, k);
  const RowSplit& split = *choice.split;
  if (runs_signed(table, choice) && signed_gather_gemm(*table.signed_split, a, w, wt, np, m, n, k, out, sums)) {
    return;
  }
  gather_gemm_vbmi(split, a, w, wt, np, m, n, k, out, sums);
#else
  gather_gemm_portable(table.lut, a, wt, np, m, n, k, out);
#endif
}

void gather_gemm_k_major(const GatherTable& table, const std::int8_t* a, const std::uint8_t* w_t,
                         std::size_t column_stride, std::size_t m, std::size_t n, std::size_t k, std::int32_t* out,
                         LookupSums sums) {
  require_available(sums);
  if (column_stride % 64 != 0 || column_stride < n) {
    throw ConfigError("gather_gemm_k_major: column_stride " + std::to_string(column_stride) +
                      " must be a multiple of 64 and at least N = " + std::to_string(n));
  }
  if (m == 0 || n == 0) return;
  if (k == 0) {
    std::fill(out, out + m * n, 0);
    return;
  }
#if defined(__AVX512VBMI__)
  // Only the linear part (if it has terms) and the signed split's correction read the columns row
  // by row (one integer GEMM each).
  const RowSplitChoice choice = choose_row_split(table, a, m, k);
  const RowSplit& split = *choice.split;
  const bool signed_lookups = runs_signed(table, choice);
  std::int8_t* w = nullptr;
  if (split.linear.terms > 0 || signed_lookups) {
    w = scratch_buffer<std::int8_t>(ScratchSlot::gather_rows, n * k);
    transpose_bytes(w_t, column_stride, k, n, reinterpret_cast<std::uint8_t*>(w), k, std::uint64_t{m} * n * k);
  }
  if (signed_lookups && signed_gather_gemm(*table.signed_split, a, w, w_t, column_stride, m, n, k, out, sums)) return;
  gather_gemm_vbmi(split, a, w, w_t, column_stride, m, n, k, out, sums);
#else
  gather_gemm_portable(table.lut, a, w_t, column_stride, m, n, k, out);
#endif
}

}  // namespace tessera::kernels
