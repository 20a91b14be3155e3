// The gather path's shared lookups (shared_lookups.h).
#include "kernels/approx/shared_lookups.h"

#if defined(__AVX512VBMI__)
#include <immintrin.h>
#include <omp.h>

#include <algorithm>
#include <type_traits>

#include "kernels/approx/gather_sums.h"
#include "kernels/approx/signed_operands.h"
#include "kernels/common/byte_table.h"
#include "kernels/common/parallel.h"
#include "kernels/common/scratch.h"

namespace tessera::kernels::gather {
namespace {

// Many rows (gather_gemm.h: gather_shares_lookups): the lookups are shared. Per 64-column chunk
// and block of steps, phase 1 looks up the table row of every code once (4 vpermb per plane; the
// signed split's 128-entry rows 2 and a NOT) into `entries` ([step][code] x planes x 64 bytes),
// and phase 2 adds, per row and step, the entry of that row's code: a load and the accumulation,
// no lookup and no mask. Phase 1 costs 256 lookups per step and chunk whatever the rows, so it
// pays from ~1000 rows on (one plane, 3136 x 64 x 576: 22 -> 30 G MAC/s on one core). The entries
// hold the chunk's columns in the order c0, c32, c1, c33, ... (ChunkOrder::halves): the uint16
// sums' even bytes are then columns 0..31 and the odd ones 32..63, in order, and the fold needs no
// interleave. Blocks of 32 steps (16 for two planes) keep `entries` at 512 KiB, in L2.
constexpr std::size_t kSharedPrefetchRows = 8;

template <int Planes>
constexpr std::size_t shared_block_steps() { return Planes == 2 ? 16 : 32; }

constexpr std::size_t kSharedEntriesBytes = 32 * 256 * 64;

__m512i half_interleave_index() {
  alignas(64) std::uint8_t index[64];
  for (std::size_t p = 0; p < 64; ++p) index[p] = chunk_column(ChunkOrder::halves, p);
  return _mm512_load_si512(index);
}

// out[0 .. valid) += 256 * high + low (or = with add false), the sums' even bytes being columns
// 0..31, odd 32..63.
inline void fold_halves(const ColumnSums& s, std::int32_t* out, std::size_t valid, bool add) {
  const __m512i even_low = _mm512_sub_epi16(s.raw_low, _mm512_slli_epi16(s.odd_low, 8));
  const __m512i even_high = _mm512_sub_epi16(s.raw_high, _mm512_slli_epi16(s.odd_high, 8));
  fold32(even_low, even_high, out, std::min<std::size_t>(32, valid), add);
  if (valid > 32) fold32(s.odd_low, s.odd_high, out + 32, valid - 32, add);
}

// Every row of a (M x k) x the chunk at column c0 (`valid` real columns), steps [k_begin, k_end),
// into out (row stride n): added, or stored by the first block if `store_first`. Row split: wt
// holds the codes (permuted here) and source.planes its 256-entry residual rows; Signed: wt holds
// signed_weights' indices in ChunkOrder::halves and source the signed split's 128-entry rows and
// masks. With RowOffsets (the row split's units of chunk 0): also row_offsets[r] = sum over those
// steps of offset[a[r][k]], modulo 2^32, on the scalar ports while phase 2 keeps the vector ones
// busy.
template <int Planes, bool RowOffsets, bool Signed>
void shared_lookup_unit(const LookupSource& source, const std::int32_t* offset, const std::int8_t* a, std::size_t m,
                        std::size_t k, std::size_t k_begin, std::size_t k_end, const std::uint8_t* wt, std::size_t np,
                        std::size_t c0, std::size_t valid, std::int32_t* out, std::size_t n, bool store_first,
                        std::uint8_t* entries, std::uint32_t* row_offsets) {
  static_assert(!(RowOffsets && Signed));
  constexpr std::size_t block = shared_block_steps<Planes>();
  constexpr std::size_t entry_bytes = Planes * 64;
  const __m512i order = half_interleave_index();
  const __m512i zero = _mm512_setzero_si512();
  for (std::size_t k0 = k_begin; k0 < k_end; k0 += block) {
    const std::size_t steps = std::min(block, k_end - k0);
    const bool first_block = k0 == k_begin;
    const bool add = !(store_first && first_block);
    for (std::size_t s = 0; s < steps; ++s) {
      const std::size_t at = (k0 + s) * np + c0;
      std::uint8_t* step_entries = entries + s * 256 * entry_bytes;
      if constexpr (Signed) {
        const __m512i idx = _mm512_load_si512(wt + at);
        const std::uint64_t* masks = source.masks + 2 * (at / 64);
        const __mmask64 bit6 = _cvtu64_mask64(masks[0]), negative = _cvtu64_mask64(masks[1]);
        for (std::size_t code = 0; code < 256; ++code) {
          for (int p = 0; p < Planes; ++p) {
            const __m512i t[2] = {_mm512_loadu_si512(source.planes[p] + code * 128),
                                  _mm512_loadu_si512(source.planes[p] + code * 128 + 64)};
            _mm512_store_si512(step_entries + code * entry_bytes + 64 * p, signed_lookup64(t, idx, bit6, negative));
          }
        }
      } else {
        const __m512i idx = _mm512_permutexvar_epi8(order, _mm512_loadu_si512(wt + at));
        const QuarterMasks masks = quarter_masks(idx);
        for (std::size_t code = 0; code < 256; ++code) {
          for (int p = 0; p < Planes; ++p) {
            __m512i t[4];
            load_row(source.planes[p], static_cast<std::int8_t>(code), t);
            _mm512_store_si512(step_entries + code * entry_bytes + 64 * p, lookup64(t, idx, masks));
          }
        }
      }
    }
    for (std::size_t r = 0; r < m; ++r) {
      const std::uint8_t* row = reinterpret_cast<const std::uint8_t*>(a + r * k + k0);
      if (r + kSharedPrefetchRows < m) {
        _mm_prefetch(reinterpret_cast<const char*>(row + kSharedPrefetchRows * k), _MM_HINT_T0);
        const char* ahead = reinterpret_cast<const char*>(out + (r + kSharedPrefetchRows) * n + c0);
        for (int line = 0; line < 4; ++line) _mm_prefetch(ahead + 64 * line, _MM_HINT_T0);
      }
      __m512i rl = zero, ol = zero, rh = zero, oh = zero;
      std::uint32_t offsets = 0;
      const std::uint8_t* base = entries;
      for (std::size_t s = 0; s < steps; ++s, base += 256 * entry_bytes) {
        const std::uint8_t* entry = base + std::size_t{row[s]} * entry_bytes;
        add_bytes(rl, ol, _mm512_load_si512(entry));
        if constexpr (Planes == 2) add_bytes(rh, oh, _mm512_load_si512(entry + 64));
        if constexpr (RowOffsets) offsets += static_cast<std::uint32_t>(offset[row[s]]);
      }
      fold_halves(ColumnSums{rl, ol, rh, oh}, out + r * n + c0, valid, add);
      if constexpr (RowOffsets) row_offsets[r] = first_block ? offsets : row_offsets[r] + offsets;
    }
  }
}

}  // namespace

void add_row_offsets(const std::uint32_t* row_offsets, std::size_t parts, std::size_t m, std::size_t n,
                     std::uint64_t work, std::int32_t* out) {
#pragma omp parallel for schedule(static) if(worth_parallel(work))
  for (std::ptrdiff_t r = 0; r < static_cast<std::ptrdiff_t>(m); ++r) {
    std::uint32_t add = 0;
    for (std::size_t j = 0; j < parts; ++j) add += row_offsets[j * m + static_cast<std::size_t>(r)];
    std::int32_t* dst = out + static_cast<std::size_t>(r) * n;
    for (std::size_t c = 0; c < n; ++c) dst[c] = static_cast<std::int32_t>(static_cast<std::uint32_t>(dst[c]) + add);
  }
}

template <bool Signed>
void shared_lookup_gemm(const LookupSource& source, const std::int32_t* offset, int planes, const std::int8_t* a,
                        const std::uint8_t* wt, std::size_t np, std::size_t m, std::size_t n, std::size_t k,
                        std::int32_t* out) {
  const std::uint64_t work = std::uint64_t{m} * n * k;
  const std::size_t chunks = np / 64;
  const std::size_t threads = worth_parallel(work) ? static_cast<std::size_t>(omp_get_max_threads()) : 1;
  // Units: 64-column chunks x step ranges, at least two per thread when the chunks are fewer (a
  // conv layer's 64 channels are one chunk). Splitting the steps, not the rows, keeps phase 1 done
  // once per step; each range past the first sums into its own partial output, added at the end.
  const std::size_t block = shared_block_steps<1>();
  std::size_t ranges = threads == 1 || chunks >= 2 * threads ? 1 : (2 * threads + chunks - 1) / chunks;
  ranges = std::max<std::size_t>(1, std::min(ranges, k / (2 * block)));
  const std::size_t steps_per_range = ((k + ranges - 1) / ranges + block - 1) / block * block;
  ranges = (k + steps_per_range - 1) / steps_per_range;
  std::uint8_t* entries_all = scratch_buffer<std::uint8_t>(ScratchSlot::gather_shared_entries, kSharedEntriesBytes * threads);
  std::uint32_t* row_offsets = scratch_buffer<std::uint32_t>(ScratchSlot::gather_row_offsets, m * ranges);
  std::int32_t* partial = scratch_buffer<std::int32_t>(ScratchSlot::gather_partial_output, m * n * (ranges - 1));
  const bool two_planes = planes == 2;
#pragma omp parallel for collapse(2) schedule(dynamic) num_threads(static_cast<int>(threads))
  for (std::ptrdiff_t c = 0; c < static_cast<std::ptrdiff_t>(chunks); ++c) {
    for (std::ptrdiff_t kr = 0; kr < static_cast<std::ptrdiff_t>(ranges); ++kr) {
      const std::size_t c0 = static_cast<std::size_t>(c) * 64;
      const std::size_t range = static_cast<std::size_t>(kr);
      const std::size_t k_begin = range * steps_per_range, k_end = std::min(k, k_begin + steps_per_range);
      if (c0 >= n) continue;
      std::uint8_t* entries = entries_all + kSharedEntriesBytes * static_cast<std::size_t>(omp_get_thread_num());
      std::int32_t* dst = range == 0 ? out : partial + (range - 1) * m * n;
      std::uint32_t* offsets = row_offsets + range * m;
      const bool store_first = range > 0;  // out already holds the linear part; partials hold garbage
      const std::size_t valid = std::min<std::size_t>(64, n - c0);
      const auto unit = [&](auto planes_constant, auto row_offsets_constant) {
        constexpr int kPlanes = decltype(planes_constant)::value;
        constexpr bool kRowOffsets = decltype(row_offsets_constant)::value && !Signed;
        shared_lookup_unit<kPlanes, kRowOffsets, Signed>(source, offset, a, m, k, k_begin, k_end, wt, np, c0, valid,
                                                          dst, n, store_first, entries, kRowOffsets ? offsets : nullptr);
      };
      using One = std::integral_constant<int, 1>;
      using Two = std::integral_constant<int, 2>;
      if (two_planes && c0 == 0) unit(Two{}, std::true_type{});
      if (two_planes && c0 != 0) unit(Two{}, std::false_type{});
      if (!two_planes && c0 == 0) unit(One{}, std::true_type{});
      if (!two_planes && c0 != 0) unit(One{}, std::false_type{});
    }
  }
  if (!Signed) add_row_offsets(row_offsets, ranges, m, n, work, out);
  // out += the partial outputs, modulo 2^32.
  if (ranges > 1) {
#pragma omp parallel for schedule(static) if(worth_parallel(work))
    for (std::ptrdiff_t rr = 0; rr < static_cast<std::ptrdiff_t>(m); ++rr) {
      const std::size_t r = static_cast<std::size_t>(rr);
      std::uint32_t* dst = reinterpret_cast<std::uint32_t*>(out + r * n);
      for (std::size_t range = 1; range < ranges; ++range) {
        const std::uint32_t* src = reinterpret_cast<const std::uint32_t*>(partial + (range - 1) * m * n + r * n);
        for (std::size_t c = 0; c < n; ++c) dst[c] += src[c];
      }
    }
  }
}

template void shared_lookup_gemm<false>(const LookupSource&, const std::int32_t*, int, const std::int8_t*,
                                        const std::uint8_t*, std::size_t, std::size_t, std::size_t, std::size_t,
                                        std::int32_t*);
template void shared_lookup_gemm<true>(const LookupSource&, const std::int32_t*, int, const std::int8_t*,
                                       const std::uint8_t*, std::size_t, std::size_t, std::size_t, std::size_t,
                                       std::int32_t*);

}  // namespace tessera::kernels::gather
#endif
