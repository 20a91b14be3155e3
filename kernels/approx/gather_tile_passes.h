#pragma once
// Internal to gather_gemm.cpp (builds with AVX-512 VBMI and AMX): the lookup passes whose bytes
// AMX sums (LookupSums::amx_tiles).
#include "kernels/common/amx_tiles.h"  // defines TESSERA_AMX_TILES where the build has AMX

#if defined(__AVX512VBMI__) && defined(TESSERA_AMX_TILES)
#include <immintrin.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <utility>

#include "kernels/approx/gather_sums.h"
#include "kernels/approx/signed_operands.h"
#include "kernels/common/byte_table.h"
#include "kernels/common/parallel.h"
#include "kernels/common/scratch.h"

namespace tessera::kernels::gather {

// The tile passes' sums are int32 and each pass ends with a drain (its last tdpbuud, the sums'
// stores and the fold): blocks of 256 steps ran 4-8 % faster than 128 (768: no better).
constexpr std::size_t kTileStepBlock = 256;

// The lookups summed by AMX (LookupSums::amx_tiles; the default where the build and the kernel
// allow). The vector passes (gather_vector_passes.h) are bound by their uops on the two vector
// ports: per 64 products and plane 4 vpermb, the masks' share and 3 for the sums. Here the looked-up bytes are
// only stored, and AMX sums them: per 4 steps, a B tile (16 rows of 64 bytes) holds 4 slots (a
// slot: one activation row and one 64-column chunk) x 4 steps, row 4 * slot + step, and tdpbuud
// against a constant 0/1 A tile (the selector) adds, for C row i and column c, the bytes at
// 4 * c + i % 4 of the 4 rows of slot i / 4 into an int32 C tile. The weight codes are permuted
// within each chunk so that byte 4 * c + q of a lookup is column 16 * q + c
// (tile_ordered_weights): a slot's 64 int32 sums are then its columns in order. The vector ports
// keep the vpermb and the masks, so two planes run 1 row x 4 chunks and one plane 2 rows x 4
// chunks (the masks of a step shared by both rows). One core, 512x768x768, uniform codes:
// two planes 16.8 -> 19.3 G MAC/s, one plane (mul8s_1L2H) 26.1 -> 31.8.
// Tiles (numbered literally: GCC's tile intrinsics paste the number into the instruction): 0 the
// selector, 1 and 2 the bytes (low and high plane, or slots 0-3 and 4-7 of one plane), 3 and 4
// their sums over even groups of steps, 5 and 6 over odd ones.
constexpr int kLookupTiles = 7;


constexpr std::size_t kTileSteps = 4;  // steps per B tile (16 rows = 4 slots x 4 steps)

// The A tile: selector[i][4 * row + q] = 1 where row / 4 == i / 4 and q == i % 4.
inline const std::uint8_t* tile_selector() {
  alignas(64) static const std::array<std::uint8_t, 16 * 64> selector = [] {
    std::array<std::uint8_t, 16 * 64> s{};
    for (std::size_t i = 0; i < 16; ++i)
      for (std::size_t row = 0; row < 16; ++row) s[i * 64 + 4 * row + i % 4] = row / 4 == i / 4 ? 1 : 0;
    return s;
  }();
  return selector.data();
}

// wt (bytes / 64 chunks of 64 codes) with each chunk's codes in the order the sums tile reads:
// position 4 * c + q holds column 16 * q + c.
inline const std::uint8_t* tile_ordered_weights(const std::uint8_t* wt, std::size_t bytes, std::uint64_t work) {
  alignas(64) std::uint8_t order[64];
  for (std::size_t p = 0; p < 64; ++p) order[p] = chunk_column(ChunkOrder::tiles, p);
  const __m512i index = _mm512_load_si512(order);
  std::uint8_t* ordered = scratch_buffer<std::uint8_t>(ScratchSlot::gather_tile_columns, bytes);
#pragma omp parallel for schedule(static) if(worth_parallel(work))
  for (std::ptrdiff_t v = 0; v < static_cast<std::ptrdiff_t>(bytes / 64); ++v) {
    const std::size_t at = 64 * static_cast<std::size_t>(v);
    _mm512_store_si512(ordered + at, _mm512_permutexvar_epi8(index, _mm512_loadu_si512(wt + at)));
  }
  return ordered;
}

// Rows x Chunks from c0 (wt_tiles: tile_ordered_weights), steps [k0, k1), Planes byte planes,
// added into out_row[r][c0 ..) (`valid` columns). A slot is a row and a chunk (slot = row *
// Chunks + chunk); a B tile holds 4 slots' 4 steps (row 4 * (slot % 4) + step), and there are at
// most 2 B tiles (tiles 1 and 2): byte tile p * slot_tiles + slot / 4. The calling thread has
// the tiles configured (kLookupTiles) and the selector loaded. Signed: wt_tiles are
// signed_weights' indices and the table rows are 128 entries (LookupSource).
template <int Planes, std::size_t Rows, std::size_t Chunks, bool Signed>
void tile_pass(const LookupSource& source, const std::int8_t* const* a_row, const std::uint8_t* wt_tiles, std::size_t np,
               std::size_t c0, std::size_t k0, std::size_t k1, std::int32_t* const* out_row, std::size_t valid) {
  constexpr std::size_t kSlots = Rows * Chunks, kSlotTiles = (kSlots + 3) / 4, kByteTiles = Planes * kSlotTiles;
  constexpr int kSegments = Signed ? 2 : 4;  // 64-entry registers per table row and plane
  static_assert((Planes == 1 || Planes == 2) && kSlots >= 1 && kByteTiles <= 2);
  // [buffer][byte tile][row][byte]. A group's tiles are loaded one group later: a tile load
  // cannot take bytes from stores still in flight, and waited for them (measured: the tile loads
  // and tdpbuud took 30 % of the samples when they followed their own group's stores).
  constexpr std::size_t kBuffers = 3;
  alignas(64) std::uint8_t bytes[kBuffers][kByteTiles][16 * 64];
  if constexpr (kSlots % 4 != 0) std::memset(bytes, 0, sizeof(bytes));  // rows of absent slots: summed, never read
  const __m512i zero = _mm512_setzero_si512();
  const auto row_of = [](int plane, std::size_t slot, std::size_t step) {
    return std::pair<std::size_t, std::size_t>{static_cast<std::size_t>(plane) * kSlotTiles + slot / 4,
                                               64 * (kTileSteps * (slot % 4) + step)};
  };
  // Groups alternate between two sums tiles per byte tile (3, 4 even; 5, 6 odd): each tdpbuud
  // waits for the last one into its tile, longer than a group of one plane's lookups takes.
  _tile_zero(3);
  _tile_zero(5);
  if constexpr (kByteTiles == 2) {
    _tile_zero(4);
    _tile_zero(6);
  }
  const auto sum_group = [&](std::size_t group) {
    const auto& tiles = bytes[group % kBuffers];
    _tile_loadd(1, tiles[0], 64);
    if (group % 2 == 0) _tile_dpbuud(3, 0, 1);
    else _tile_dpbuud(5, 0, 1);
    if constexpr (kByteTiles == 2) {
      _tile_loadd(2, tiles[1], 64);
      if (group % 2 == 0) _tile_dpbuud(4, 0, 2);
      else _tile_dpbuud(6, 0, 2);
    }
  };
  std::size_t group = 0;
  for (std::size_t g0 = k0; g0 < k1; g0 += kTileSteps, ++group) {
    auto& tiles = bytes[group % kBuffers];
    const std::size_t steps = std::min(kTileSteps, k1 - g0);
    for (std::size_t s = 0; s < steps; ++s) {
      const std::size_t kk = g0 + s;
      __m512i t[Rows][Planes][kSegments];
      for (std::size_t r = 0; r < Rows; ++r) {
        const std::size_t row = static_cast<std::size_t>(static_cast<std::uint8_t>(a_row[r][kk])) << (Signed ? 7 : 8);
        for (int p = 0; p < Planes; ++p)
          for (int q = 0; q < kSegments; ++q) t[r][p][q] = _mm512_loadu_si512(source.planes[p] + row + 64 * q);
      }
      const std::size_t wk = kk * np + c0;
      for (std::size_t chunk = 0; chunk < Chunks; ++chunk) {
        const __m512i idx = _mm512_loadu_si512(wt_tiles + wk + 64 * chunk);
        if constexpr (Signed) {
          const std::uint64_t* masks = source.masks + 2 * (wk / 64 + chunk);
          const __mmask64 bit6 = _cvtu64_mask64(masks[0]), negative = _cvtu64_mask64(masks[1]);
          for (std::size_t r = 0; r < Rows; ++r) {
            for (int p = 0; p < Planes; ++p) {
              const auto [tile, at] = row_of(p, r * Chunks + chunk, s);
              _mm512_store_si512(tiles[tile] + at, signed_lookup64(t[r][p], idx, bit6, negative));
            }
          }
        } else {
          const QuarterMasks m = quarter_masks(idx);
          for (std::size_t r = 0; r < Rows; ++r) {
            for (int p = 0; p < Planes; ++p) {
              const auto [tile, at] = row_of(p, r * Chunks + chunk, s);
              _mm512_store_si512(tiles[tile] + at, lookup64(t[r][p], idx, m));
            }
          }
        }
      }
    }
    for (std::size_t s = steps; s < kTileSteps; ++s) {
      for (std::size_t slot = 0; slot < kSlots; ++slot) {
        for (int p = 0; p < Planes; ++p) {
          const auto [tile, at] = row_of(p, slot, s);
          _mm512_store_si512(tiles[tile] + at, zero);
        }
      }
    }
    if (group > 0) sum_group(group - 1);
  }
  if (group > 0) sum_group(group - 1);
  alignas(64) std::uint32_t even[kByteTiles][256], odd[kByteTiles][256];
  _tile_stored(3, even[0], 64);
  _tile_stored(5, odd[0], 64);
  if constexpr (kByteTiles == 2) {
    _tile_stored(4, even[1], 64);
    _tile_stored(6, odd[1], 64);
  }
  // Modulo 2^32, as the linear part.
  for (std::size_t r = 0; r < Rows; ++r) {
    for (std::size_t chunk = 0; chunk < Chunks && 64 * chunk < valid; ++chunk) {
      std::uint32_t* out = reinterpret_cast<std::uint32_t*>(out_row[r] + c0 + 64 * chunk);
      const std::size_t slot = r * Chunks + chunk, columns = std::min<std::size_t>(64, valid - 64 * chunk);
      const std::size_t low = slot / 4, base = 64 * (slot % 4);  // the high plane's tile: kSlotTiles + low
      for (std::size_t c = 0; c < columns; ++c) {
        std::uint32_t v = even[low][base + c] + odd[low][base + c];
        if constexpr (Planes == 2) v += (even[kSlotTiles + low][base + c] + odd[kSlotTiles + low][base + c]) << 8;
        out[c] += v;
      }
    }
  }
}

// tile_pass with the chunk count (1 .. 4) known at run time.
template <int Planes, std::size_t Rows, bool Signed = false>
void tile_pass_chunks(std::size_t chunks, const LookupSource& source, const std::int8_t* const* a_row,
                      const std::uint8_t* wt_tiles, std::size_t np, std::size_t c0, std::size_t k0, std::size_t k1,
                      std::int32_t* const* out_row, std::size_t valid) {
  switch (chunks) {
    case 4: tile_pass<Planes, Rows, 4, Signed>(source, a_row, wt_tiles, np, c0, k0, k1, out_row, valid); break;
    case 3: tile_pass<Planes, Rows, 3, Signed>(source, a_row, wt_tiles, np, c0, k0, k1, out_row, valid); break;
    case 2: tile_pass<Planes, Rows, 2, Signed>(source, a_row, wt_tiles, np, c0, k0, k1, out_row, valid); break;
    default: tile_pass<Planes, Rows, 1, Signed>(source, a_row, wt_tiles, np, c0, k0, k1, out_row, valid); break;
  }
}

// A work unit's rows x chunks through tile_pass: two planes 1 row x 4 chunks, one plane 2 rows x 4
// chunks (the masks of a step shared by both rows).
template <bool Signed>
void tile_passes(int planes, const LookupSource& source, const std::int8_t* const* a_row, std::size_t count,
                 const std::uint8_t* wt_tiles, std::size_t np, std::size_t c0, std::size_t chunks, std::size_t k0,
                 std::size_t k1, std::int32_t* const* out_row, std::size_t valid) {
  std::size_t r = 0;
  if (planes == 2) {
    for (; r < count; ++r)
      tile_pass_chunks<2, 1, Signed>(chunks, source, a_row + r, wt_tiles, np, c0, k0, k1, out_row + r, valid);
    return;
  }
  for (; r + 2 <= count; r += 2)
    tile_pass_chunks<1, 2, Signed>(chunks, source, a_row + r, wt_tiles, np, c0, k0, k1, out_row + r, valid);
  if (r < count) tile_pass_chunks<1, 1, Signed>(chunks, source, a_row + r, wt_tiles, np, c0, k0, k1, out_row + r, valid);
}

}  // namespace tessera::kernels::gather
#endif
