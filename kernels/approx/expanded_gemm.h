#pragma once
// One u8 x s8 integer GEMM (kernels/common/int8_gemm.h) over operands expanded plane by plane:
//   out[r][c] = sum_k sum_p activation(p, a[r][k]) * weight(p, w[c][k])
// Each operand row of K codes becomes K * planes bytes, plane after plane. An activation value
// is stored as value + shift[p] (u8; shift 128 for a signed plane, 0 for one already in 0..255)
// and sum_p shift[p] * sum_k weight(p, w[c][k]) is subtracted per column, modulo 2^32: the int32
// lanes wrap and the true result fits int32, so the result is exact.
// Used by the structured paths (the product, Baugh-Wooley bit planes) and by the gather path's
// linear part (row_split.h).
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "kernels/common/byte_table.h"
#include "kernels/common/int8_gemm.h"
#include "kernels/common/parallel.h"
#include "kernels/common/scratch.h"

namespace tessera::kernels {

// Plane 0 pairs activation_plane(0)(a) with b itself (both users' first plane is the product's);
// activation_plane(p) returns a function of the code giving an int in [-shift[p], 255 - shift[p]],
// weight_plane(p), for the planes p >= 1, one giving an int in -128..127. (Per-plane functions
// keep their parameters in locals, which the byte stores cannot alias: the weight loops vectorise;
// the activation planes are tabulated and mapped through byte_table.h.)
// With one plane the weights go to the GEMM as they are.
template <class ActivationPlane, class WeightPlane>
void expanded_int8_gemm(const std::int8_t* a, const std::int8_t* w, std::size_t m, std::size_t n, std::size_t k,
                        std::size_t planes, const std::uint8_t* shift, ActivationPlane activation_plane,
                        WeightPlane weight_plane, std::int32_t* out) {
  // Whole 4-byte groups, so that the VNNI core reads ax in place (one plane: the GEMM pads; the AMX
  // core copies it unless rows are whole 64-byte tile rows and M whole 32-row blocks).
  const std::size_t kx = planes == 1 ? k : (k * planes + 3) / 4 * 4;
  // Reused scratch (kernels/common/scratch.h): every byte is written below, the padding too.
  std::uint8_t* ax = scratch_buffer<std::uint8_t>(ScratchSlot::expanded_activations, m * kx);
  std::int8_t* wx = planes == 1 ? nullptr : scratch_buffer<std::int8_t>(ScratchSlot::expanded_weights, n * kx);
  std::vector<std::uint32_t> correction(n);
  // Each activation plane as a 256-entry byte table (value + shift by code): the rows are then
  // mapped 64 codes at a time (byte_table.h), whatever the plane's function.
  std::vector<std::uint8_t> activation_tables(planes * 256);
  for (std::size_t p = 0; p < planes; ++p) {
    const auto activation = activation_plane(p);
    for (std::size_t c = 0; c < 256; ++c) {
      activation_tables[p * 256 + c] = static_cast<std::uint8_t>(activation(static_cast<std::int8_t>(c)) + shift[p]);
    }
  }
#pragma omp parallel if(worth_parallel(std::uint64_t{m} * n * k))
  {
#pragma omp for schedule(static) nowait
    for (std::ptrdiff_t r = 0; r < static_cast<std::ptrdiff_t>(m); ++r) {
      const std::int8_t* row = a + static_cast<std::size_t>(r) * k;
      std::uint8_t* d = ax + static_cast<std::size_t>(r) * kx;
      for (std::size_t p = 0; p < planes; ++p) apply_byte_table(activation_tables.data() + p * 256, row, k, d + p * k);
      std::fill(d + planes * k, d + kx, std::uint8_t{0});
    }
#pragma omp for schedule(static)
    for (std::ptrdiff_t r = 0; r < static_cast<std::ptrdiff_t>(n); ++r) {
      const std::int8_t* row = w + static_cast<std::size_t>(r) * k;
      std::uint32_t sum = 0;
      for (std::size_t i = 0; i < k; ++i) sum += static_cast<std::uint32_t>(std::int32_t{row[i]});
      std::uint32_t shifted = shift[0] * sum;
      if (planes > 1) {
        std::int8_t* d = wx + static_cast<std::size_t>(r) * kx;
        std::copy(row, row + k, d);
        std::fill(d + planes * k, d + kx, std::int8_t{0});
        for (std::size_t p = 1; p < planes; ++p) {
          const auto weight = weight_plane(p);
          std::uint32_t plane_sum = 0;
          for (std::size_t i = 0; i < k; ++i) {
            const int v = weight(row[i]);
            d[p * k + i] = static_cast<std::int8_t>(v);
            plane_sum += static_cast<std::uint32_t>(v);
          }
          shifted += shift[p] * plane_sum;
        }
      }
      correction[static_cast<std::size_t>(r)] = shifted;
    }
  }  // omp parallel
  gemm_u8s8_i32(ax, planes == 1 ? w : wx, m, n, kx, out, correction.data());
}

}  // namespace tessera::kernels
