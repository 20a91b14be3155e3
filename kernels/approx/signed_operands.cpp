// The operands of the signed split's passes (signed_operands.h).
#include "kernels/approx/signed_operands.h"

#if defined(__AVX512VBMI__)
#include <immintrin.h>

#include "kernels/common/byte_table.h"
#include "kernels/common/int8_gemm.h"
#include "kernels/common/parallel.h"
#include "kernels/common/scratch.h"

namespace tessera::kernels {

std::uint8_t chunk_column(ChunkOrder order, std::size_t p) {
  switch (order) {
    case ChunkOrder::tiles: return static_cast<std::uint8_t>(16 * (p % 4) + p / 4);
    case ChunkOrder::halves: return static_cast<std::uint8_t>(32 * (p % 2) + p / 2);
    default: return static_cast<std::uint8_t>(p);
  }
}

SignedWeights signed_weights(const std::uint8_t* wt, std::size_t bytes, ChunkOrder order, std::uint64_t work) {
  alignas(64) std::uint8_t columns[64];
  for (std::size_t p = 0; p < 64; ++p) columns[p] = chunk_column(order, p);
  const __m512i index = _mm512_load_si512(columns);
  const __m512i low7 = _mm512_set1_epi8(0x7F), bit7 = _mm512_set1_epi8(-128);
  std::uint8_t* indices = scratch_buffer<std::uint8_t>(ScratchSlot::gather_tile_columns, bytes);
  std::uint64_t* masks = scratch_buffer<std::uint64_t>(ScratchSlot::gather_masks, 2 * (bytes / 64));
#pragma omp parallel for schedule(static) if(worth_parallel(work))
  for (std::ptrdiff_t v = 0; v < static_cast<std::ptrdiff_t>(bytes / 64); ++v) {
    const std::size_t at = 64 * static_cast<std::size_t>(v);
    const __m512i codes = _mm512_permutexvar_epi8(index, _mm512_loadu_si512(wt + at));
    const __m512i magnitude = _mm512_and_si512(_mm512_abs_epi8(codes), low7);
    const __mmask64 negative = _mm512_movepi8_mask(codes);
    _mm512_store_si512(indices + at, _mm512_mask_blend_epi8(negative, magnitude, _mm512_or_si512(magnitude, bit7)));
    masks[2 * static_cast<std::size_t>(v)] = _cvtmask64_u64(_mm512_movepi8_mask(_mm512_add_epi8(magnitude, magnitude)));
    masks[2 * static_cast<std::size_t>(v) + 1] = _cvtmask64_u64(negative);
  }
  return {indices, masks};
}

void add_signed_corrections(const SignedSplit& split, const std::int8_t* a, const std::int8_t* w, std::size_t m,
                            std::size_t n, std::size_t k, std::int32_t* out) {
  const std::uint64_t work = std::uint64_t{m} * n * k;
  std::uint8_t negative_column[256];
  std::uint32_t shift[256];
  for (std::size_t c = 0; c < 256; ++c) {
    negative_column[c] = c >= 128 ? 1 : 0;
    shift[c] = split.row_shift[c];
  }
  std::uint8_t* u = scratch_buffer<std::uint8_t>(ScratchSlot::expanded_activations, m * k);
  std::uint8_t* s = scratch_buffer<std::uint8_t>(ScratchSlot::expanded_weights, n * k);
  std::uint32_t* row_shifts = scratch_buffer<std::uint32_t>(ScratchSlot::gather_row_offsets, m + n);
  std::uint32_t* negative_counts = row_shifts + m;
  std::int32_t* products = scratch_buffer<std::int32_t>(ScratchSlot::gather_partial_output, m * n);
#pragma omp parallel if(worth_parallel(work))
  {
#pragma omp for schedule(static) nowait
    for (std::ptrdiff_t r = 0; r < static_cast<std::ptrdiff_t>(m); ++r) {
      const std::size_t at = static_cast<std::size_t>(r) * k;
      apply_byte_table(split.row_shift.data(), a + at, k, u + at);
      row_shifts[r] = sum_through_table(shift, a + at, k);
    }
#pragma omp for schedule(static)
    for (std::ptrdiff_t c = 0; c < static_cast<std::ptrdiff_t>(n); ++c) {
      const std::size_t at = static_cast<std::size_t>(c) * k;
      apply_byte_table(negative_column, w + at, k, s + at);
      std::uint32_t count = 0;
      for (std::size_t i = 0; i < k; ++i) count += s[at + i];
      negative_counts[c] = count;
    }
  }
  gemm_u8s8_i32(u, reinterpret_cast<const std::int8_t*>(s), m, n, k, products);
  const std::uint32_t not_value = static_cast<std::uint32_t>(split.not_value());
  const std::uint32_t unit = static_cast<std::uint32_t>(split.shift_unit());
#pragma omp parallel for schedule(static) if(worth_parallel(work))
  for (std::ptrdiff_t r = 0; r < static_cast<std::ptrdiff_t>(m); ++r) {
    const std::size_t at = static_cast<std::size_t>(r) * n;
    std::uint32_t* row = reinterpret_cast<std::uint32_t*>(out) + at;
    const std::uint32_t* product = reinterpret_cast<const std::uint32_t*>(products) + at;
    const std::uint32_t row_part = row_shifts[r];
    for (std::size_t c = 0; c < n; ++c) row[c] += unit * (2u * product[c] - row_part) - not_value * negative_counts[c];
  }
}

MinusOneTwentyEight list_minus_128(const std::uint8_t* wt, std::size_t np, std::size_t n, std::size_t k) {
  MinusOneTwentyEight list;
  list.step_begin.assign(k + 1, 0);
  for (std::size_t kk = 0; kk < k; ++kk) {
    list.step_begin[kk] = static_cast<std::uint32_t>(list.columns.size());
    for (std::size_t c = 0; c < n; c += 64) {
      std::uint64_t hits = _cvtmask64_u64(_mm512_cmpeq_epi8_mask(_mm512_loadu_si512(wt + kk * np + c), _mm512_set1_epi8(-128)));
      if (n - c < 64) hits &= (std::uint64_t{1} << (n - c)) - 1;
      for (; hits != 0; hits &= hits - 1)
        list.columns.push_back(static_cast<std::uint32_t>(c + static_cast<std::size_t>(__builtin_ctzll(hits))));
    }
  }
  list.step_begin[k] = static_cast<std::uint32_t>(list.columns.size());
  return list;
}

void signed_minus_128(const SignedSplit& split, const std::int8_t* a, const MinusOneTwentyEight& list, std::size_t m,
                      std::size_t n, std::size_t k, std::int32_t* out) {
  const std::vector<std::uint32_t>& step_begin = list.step_begin;
  const std::vector<std::uint32_t>& columns = list.columns;
  if (columns.empty()) return;
#pragma omp parallel for schedule(static) if(worth_parallel(std::uint64_t{m} * columns.size() * 16))
  for (std::ptrdiff_t r = 0; r < static_cast<std::ptrdiff_t>(m); ++r) {
    const std::int8_t* a_row = a + static_cast<std::size_t>(r) * k;
    std::uint32_t* out_row = reinterpret_cast<std::uint32_t*>(out) + static_cast<std::size_t>(r) * n;
    for (std::size_t kk = 0; kk < k; ++kk) {
      if (step_begin[kk] == step_begin[kk + 1]) continue;
      const std::uint32_t v = static_cast<std::uint32_t>(split.at_minus_128[static_cast<std::uint8_t>(a_row[kk])]);
      for (std::uint32_t i = step_begin[kk]; i < step_begin[kk + 1]; ++i) out_row[columns[i]] += v;
    }
  }
}

}  // namespace tessera::kernels
#endif
