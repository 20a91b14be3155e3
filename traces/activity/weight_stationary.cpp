#include "traces/activity/weight_stationary.h"

#include <algorithm>
#include <array>
#include <memory>
#include <string>

#include "golden/common/error.h"
#include "traces/activity/bit_count.h"

namespace tessera::traces::activity {
namespace {

unsigned ones(std::uint32_t x) { return count_ones(x); }

void check_tile(const WeightStationaryTile& tile) {
  const bool has_ops = tile.rows_m > 0 && tile.depth_k > 0 && tile.cols_n > 0;
  if (has_ops && (tile.activations == nullptr || tile.weights == nullptr))
    throw ConfigError("weight-stationary tile " + std::to_string(tile.rows_m) + "x" + std::to_string(tile.depth_k) +
                      "x" + std::to_string(tile.cols_n) + ": activations and weights must not be null");
}

// Wraps like the 32-bit hardware adder (signed overflow would be UB).
std::int32_t wrap_add(std::int32_t sum, std::int16_t p) {
  return static_cast<std::int32_t>(static_cast<std::uint32_t>(sum) + static_cast<std::uint32_t>(std::int32_t{p}));
}

// x86-64 builds default to a baseline without POPCNT; a second clone of the tile kernel built for
// it (picked at load time where the CPU has it) runs about 5x faster: GCC turns count_ones into
// the instruction there.
#if defined(__GNUC__) && defined(__x86_64__) && defined(__linux__)
#define TESSERA_POPCNT_CLONES __attribute__((target_clones("popcnt", "default")))
#else
#define TESSERA_POPCNT_CLONES
#endif

TESSERA_POPCNT_CLONES ActivityCounts tile_activity(const WeightStationaryTile& tile,
                                                   const approx::MultiplierTable& table) {
  ActivityCounts counts;
  const std::size_t m = tile.rows_m, k = tile.depth_k, n = tile.cols_n;
  if (m == 0 || k == 0 || n == 0) return counts;
  const std::size_t pes = k * n;
  counts.ops = m * pes;

  // Per weight row r: popcount sum, zero count, negative count of w[r][*]. They turn the
  // a-only features of PE row r into one multiply per (t, r).
  std::vector<std::uint64_t> row_weight_ones(k, 0), row_zero_weights(k, 0);
  std::uint64_t weight_ones = 0, negative_weights = 0;
  for (std::size_t r = 0; r < k; ++r)
    for (std::size_t c = 0; c < n; ++c) {
      const std::int8_t w = tile.weights[r * n + c];
      const unsigned w_ones = ones(static_cast<std::uint8_t>(w));
      row_weight_ones[r] += w_ones;
      row_zero_weights[r] += (w == 0);
      weight_ones += w_ones;
      negative_weights += (w < 0);
    }
  // b changes only at t = 0 (from the reset 0); it never changes sign afterwards.
  counts.sums[static_cast<std::size_t>(Feature::hd_b)] = weight_ones;
  counts.sums[static_cast<std::size_t>(Feature::ones_b)] = weight_ones * m;

  const std::int16_t reset_product = table(0, 0);
  std::vector<std::uint16_t> prev_p(pes, static_cast<std::uint16_t>(reset_product));
  // psum_in of PE(r, c) is psum_out of PE(r-1, c) (and 0 in row 0), so only psum_out is
  // tracked: psum_in_hd = psum_out_hd of every row but the last.
  std::vector<std::uint32_t> prev_psum_out(pes, 0);
  std::vector<std::int32_t> psum(n);
  // Per array row r: how often each activation change pattern dA = a ^ a_prev occurs (a_prev = 0 at
  // t = 0, the reset). With b fixed per PE (and 0 before t = 0), PE(r, c)'s partial products change
  // by outer(dA, b) at every step, so its column toggles are summed from this histogram.
  std::vector<std::uint64_t> change_histogram(k * 256, 0);
  std::array<std::uint64_t, kOutputBits> out_bits{};
  std::array<std::uint64_t, kRowSums> row_sums{}, row_carries{};
  // The Baugh-Wooley rows depend on (a, b) only: tabulated per weight value on first use (8 KiB per
  // distinct weight), so a MAC costs lookups and popcounts instead of eight additions.
  std::vector<std::unique_ptr<std::array<BaughWooleyRows, 256>>> rows_by_weight(256);
  auto rows_for = [&rows_by_weight](std::uint8_t b) -> const std::array<BaughWooleyRows, 256>& {
    auto& entry = rows_by_weight[b];
    if (!entry) {
      entry = std::make_unique<std::array<BaughWooleyRows, 256>>();
      for (unsigned a = 0; a < 256; ++a) (*entry)[a] = baugh_wooley_rows(static_cast<std::uint8_t>(a), b);
    }
    return *entry;
  };
  const BaughWooleyRows reset_rows = baugh_wooley_rows(0, 0);
  std::vector<const BaughWooleyRows*> prev_rows(pes, &reset_rows);
  std::uint64_t hd_a = 0, pp_toggles = 0, a_sign_flips = 0, ones_a = 0, zero_operand = 0;
  std::uint64_t out_hd = 0, psum_out_hd = 0, last_row_psum_out_hd = 0;
  for (std::size_t t = 0; t < m; ++t) {
    std::fill(psum.begin(), psum.end(), 0);
    const std::int8_t* x_row = tile.activations + t * k;
    for (std::size_t r = 0; r < k; ++r) {
      const auto a = static_cast<std::uint8_t>(x_row[r]);
      const auto a_prev = t == 0 ? std::uint8_t{0} : static_cast<std::uint8_t>(x_row[r - k]);
      const unsigned a_hd = ones(a ^ a_prev);
      ++change_histogram[r * 256 + (a ^ a_prev)];
      hd_a += std::uint64_t{a_hd} * n;
      pp_toggles += a_hd * row_weight_ones[r];
      a_sign_flips += std::uint64_t{static_cast<unsigned>((a ^ a_prev) >> 7)} * n;
      ones_a += std::uint64_t{ones(a)} * n;
      zero_operand += a == 0 ? n : row_zero_weights[r];

      const std::int16_t* products = table.data() + (std::size_t{a} << 8);
      const std::int8_t* w_row = tile.weights + r * n;
      std::uint16_t* p_state = prev_p.data() + r * n;
      std::uint32_t* out_state = prev_psum_out.data() + r * n;
      std::uint64_t row_psum_out_hd = 0;
      for (std::size_t c = 0; c < n; ++c) {
        const auto b = static_cast<std::uint8_t>(w_row[c]);
        const BaughWooleyRows& rows = rows_for(b)[a];
        const BaughWooleyRows& before = *prev_rows[r * n + c];
        for (std::size_t row = 0; row < kRowSums; ++row) {
          row_sums[row] += ones(static_cast<std::uint32_t>(rows.sum[row] ^ before.sum[row]));
          row_carries[row] += ones(static_cast<std::uint32_t>(rows.carry[row] ^ before.carry[row]));
        }
        prev_rows[r * n + c] = &rows;
        const std::int16_t p = products[static_cast<std::uint8_t>(w_row[c])];
        const auto p_bits = static_cast<std::uint16_t>(p);
        const auto p_change = static_cast<std::uint32_t>(p_bits ^ p_state[c]);
        out_hd += ones(p_change);
        for (std::size_t bit = 0; bit < kOutputBits; ++bit) out_bits[bit] += (p_change >> bit) & 1u;
        p_state[c] = p_bits;
        psum[c] = wrap_add(psum[c], p);
        const auto out = static_cast<std::uint32_t>(psum[c]);
        row_psum_out_hd += ones(out ^ out_state[c]);
        out_state[c] = out;
      }
      psum_out_hd += row_psum_out_hd;
      if (r + 1 == k) last_row_psum_out_hd += row_psum_out_hd;
    }
  }
  auto& s = counts.sums;
  for (std::size_t r = 0; r < k; ++r)
    for (std::size_t c = 0; c < n; ++c) {
      const auto b = static_cast<std::uint8_t>(tile.weights[r * n + c]);
      for (std::size_t change = 1; change < 256; ++change) {
        const std::uint64_t times = change_histogram[r * 256 + change];
        if (times == 0) continue;
        const std::uint64_t pp_change = partial_products(static_cast<std::uint8_t>(change), b);
        for (std::size_t col = 0; col < kPartialProductColumns; ++col)
          s[static_cast<std::size_t>(pp_col(col))] += times * count_ones(pp_change & partial_product_column_mask(col));
      }
    }
  for (std::size_t bit = 0; bit < kOutputBits; ++bit) s[static_cast<std::size_t>(out_bit(bit))] = out_bits[bit];
  for (std::size_t row = 0; row < kRowSums; ++row) {
    s[static_cast<std::size_t>(row_sum_hd(row))] = row_sums[row];
    s[static_cast<std::size_t>(row_carry_hd(row))] = row_carries[row];
  }
  s[static_cast<std::size_t>(Feature::hd_a)] = hd_a;
  s[static_cast<std::size_t>(Feature::pp_toggles)] = pp_toggles;
  s[static_cast<std::size_t>(Feature::out_hd)] = out_hd;
  s[static_cast<std::size_t>(Feature::sign_flips)] = a_sign_flips + negative_weights;
  s[static_cast<std::size_t>(Feature::ones_a)] = ones_a;
  s[static_cast<std::size_t>(Feature::zero_operand)] = zero_operand;
  s[static_cast<std::size_t>(Feature::psum_in_hd)] = psum_out_hd - last_row_psum_out_hd;
  s[static_cast<std::size_t>(Feature::psum_out_hd)] = psum_out_hd;
  return counts;
}

}  // namespace

ActivityCounts weight_stationary_activity(const WeightStationaryTile& tile, const approx::MultiplierTable& table) {
  check_tile(tile);
  return tile_activity(tile, table);
}

std::vector<PeStream> weight_stationary_pe_streams(const WeightStationaryTile& tile,
                                                   const approx::MultiplierTable& table) {
  check_tile(tile);
  const std::size_t m = tile.rows_m, k = tile.depth_k, n = tile.cols_n;
  std::vector<PeStream> streams(k * n);
  for (std::size_t r = 0; r < k; ++r)
    for (std::size_t c = 0; c < n; ++c) {
      PeStream& s = streams[r * n + c];
      s.row = r;
      s.col = c;
      s.a.resize(m);
      s.b.assign(m, tile.weights[r * n + c]);
      s.psum_in.resize(m);
    }
  std::vector<std::int32_t> psum(n);
  for (std::size_t t = 0; t < m; ++t) {
    std::fill(psum.begin(), psum.end(), 0);
    for (std::size_t r = 0; r < k; ++r) {
      const std::int8_t a = tile.activations[t * k + r];
      for (std::size_t c = 0; c < n; ++c) {
        PeStream& s = streams[r * n + c];
        s.a[t] = a;
        s.psum_in[t] = psum[c];
        psum[c] = wrap_add(psum[c], table(a, s.b[t]));
      }
    }
  }
  return streams;
}

std::int32_t weight_stationary_psum_in(const WeightStationaryTile& tile, const approx::MultiplierTable& table,
                                       std::size_t r, std::size_t c, std::size_t t) {
  check_tile(tile);
  if (r >= tile.depth_k || c >= tile.cols_n || t >= tile.rows_m)
    throw ConfigError("weight-stationary psum_in: PE(" + std::to_string(r) + ", " + std::to_string(c) + ") step " +
                      std::to_string(t) + " is outside the " + std::to_string(tile.rows_m) + "x" +
                      std::to_string(tile.depth_k) + "x" + std::to_string(tile.cols_n) + " tile");
  std::int32_t sum = 0;
  for (std::size_t rr = 0; rr < r; ++rr)
    sum = wrap_add(sum, table(tile.activations[t * tile.depth_k + rr], tile.weights[rr * tile.cols_n + c]));
  return sum;
}

}  // namespace tessera::traces::activity
