// CPU twin of golden/mx quantize_rows and mx_gemm, and the dispatcher for both backends.
#include "kernels/mx/mx_ops.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <type_traits>
#include <cstring>

#if defined(__AVX512VNNI__) || defined(__AVX512F__)
#include <immintrin.h>
#endif

#include "golden/common/error.h"
#include "golden/mx/convert.h"
#include "golden/mx/dot.h"
#include "kernels/common/parallel.h"
#include "kernels/mx/encode_search.h"
#include "kernels/mx/exact_add.h"

#if defined(TESSERA_KERNELS_HAVE_CUDA)
#include "kernels/mx/cuda/mx_gemm_cuda.h"
#include "kernels/mx/cuda/mx_quantize_cuda.h"
#endif

namespace tessera::kernels {
namespace {

using mx::ElementFormat;

// Largest |element| of a format in units of its lsb, over every code it decodes (INT8 -128: 128).
std::uint64_t max_units(ElementFormat format) {
  std::uint64_t best = 0;
  for (unsigned code = 0; code < mx::code_count(format); ++code) {
    const mx::ElementValue v = mx::decode_element(static_cast<std::uint8_t>(code), format);
    if (v.kind != mx::ElementClass::finite) continue;
    const std::uint64_t u = static_cast<std::uint64_t>(v.significand) << (v.exponent - mx::element_spec(format).lsb_exponent);
    best = std::max(best, u);
  }
  return best;
}

bool has_special_elements(ElementFormat format) {
  const mx::ElementSpec s = mx::element_spec(format);
  return s.has_inf || s.has_nan;
}

// Element value in lsb units (0 for NaN / Inf codes, which the caller flags).
std::int64_t units_of(std::uint8_t code, ElementFormat format) {
  const mx::ElementValue v = mx::decode_element(code, format);
  if (v.kind != mx::ElementClass::finite) return 0;
  const std::int64_t u = static_cast<std::int64_t>(v.significand) << (v.exponent - mx::element_spec(format).lsb_exponent);
  return v.negative ? -u : u;
}

float canonical_nan() { return mx::float_from_bits(mx::kFp32QuietNanBits); }

void check_gemm_shapes(const mx::QuantizedRows& a, const mx::QuantizedRows& b) {
  if (a.columns != b.columns) {
    throw ConfigError("mx_gemm: A has K = " + std::to_string(a.columns) + " but B (N x K) has K = " +
                      std::to_string(b.columns));
  }
  if (a.block_size != b.block_size) {
    throw ConfigError("mx_gemm: block sizes differ (A " + std::to_string(a.block_size) + ", B " +
                      std::to_string(b.block_size) + ")");
  }
}

mx::MxVectorView row_view(const mx::QuantizedRows& q, std::size_t r) {
  return {q.format, q.columns, q.block_size, q.codes.data() + r * q.columns, q.scales.data() + r * q.blocks_per_row};
}

// Golden itself, one output at a time, in parallel (FP8 and out-of-window row pairs).
void gemm_slow_all(const mx::QuantizedRows& a, const mx::QuantizedRows& b, mx::Accumulation acc, float* out) {
#pragma omp parallel for collapse(2) schedule(dynamic, 16) if(worth_parallel(std::uint64_t{a.rows} * b.rows * a.columns * 16))
  for (std::ptrdiff_t i = 0; i < static_cast<std::ptrdiff_t>(a.rows); ++i) {
    for (std::ptrdiff_t j = 0; j < static_cast<std::ptrdiff_t>(b.rows); ++j) {
      out[static_cast<std::size_t>(i) * b.rows + static_cast<std::size_t>(j)] =
          mx::mx_dot(row_view(a, static_cast<std::size_t>(i)), row_view(b, static_cast<std::size_t>(j)), acc);
    }
  }
}

// emu_dequant_fp32: acc = fma(x, y, acc), element order; IEEE fma == golden add_and_round(acc, x*y).
void gemm_emu_dequant(const mx::QuantizedRows& a, const mx::QuantizedRows& b, float* out) {
  const std::vector<float> x = mx::dequantize_rows(a);
  const std::vector<float> y = mx::dequantize_rows(b);
  const std::size_t m = a.rows, n = b.rows, k = a.columns;
  std::vector<float> yt(k * n);
  for (std::size_t r = 0; r < n; ++r)
    for (std::size_t i = 0; i < k; ++i) yt[i * n + r] = y[r * k + i];
#pragma omp parallel for schedule(static) if(worth_parallel(std::uint64_t{m} * n * k))
  for (std::ptrdiff_t r = 0; r < static_cast<std::ptrdiff_t>(m); ++r) {
    float* o = out + static_cast<std::size_t>(r) * n;
    std::fill(o, o + n, -0.0f);
    const float* xr = x.data() + static_cast<std::size_t>(r) * k;
    for (std::size_t i = 0; i < k; ++i) {
      const float xi = xr[i];
      const float* yi = yt.data() + i * n;
#pragma omp simd
      for (std::size_t c = 0; c < n; ++c) o[c] = std::fma(xi, yi[c], o[c]);
    }
    for (std::size_t c = 0; c < n; ++c) {
      if (std::isnan(o[c])) o[c] = canonical_nan();
    }
  }
}

// The operand as the fast path sees it.
struct FastOperand {
  std::vector<std::int64_t> units;  // rows x K (specials as 0, flagged in has_special)
  std::vector<double> pow2;         // rows x blocks: 2^(x + lsb); 1 for NaN-scale blocks
  std::vector<char> has_nan;        // rows: any NaN scale
  std::vector<char> has_special;    // rows: any NaN / Inf element (FP8): golden takes the pair
  std::vector<int> e_min, e_max;    // rows: min/max of x + lsb over non-NaN blocks
};

FastOperand prepare(const mx::QuantizedRows& q) {
  FastOperand f;
  const std::size_t k = q.columns, nb = q.blocks_per_row;
  const int lsb = mx::element_spec(q.format).lsb_exponent;
  f.units.resize(q.rows * k);
  f.pow2.resize(q.rows * nb);
  f.has_nan.assign(q.rows, 0);
  f.has_special.assign(q.rows, 0);
  f.e_min.assign(q.rows, std::numeric_limits<int>::max());
  f.e_max.assign(q.rows, std::numeric_limits<int>::min());
  std::int64_t lut[256];
  char special[256];
  for (unsigned c = 0; c < mx::code_count(q.format); ++c) {
    lut[c] = units_of(static_cast<std::uint8_t>(c), q.format);
    special[c] = mx::decode_element(static_cast<std::uint8_t>(c), q.format).kind != mx::ElementClass::finite;
  }
  const std::uint8_t mask = static_cast<std::uint8_t>(mx::code_count(q.format) - 1u);
#pragma omp parallel for schedule(static) if(worth_parallel(std::uint64_t{q.rows} * q.columns * 8))
  for (std::ptrdiff_t rr = 0; rr < static_cast<std::ptrdiff_t>(q.rows); ++rr) {
    const std::size_t r = static_cast<std::size_t>(rr);
    for (std::size_t i = 0; i < k; ++i) {
      const std::uint8_t code = q.codes[r * k + i] & mask;
      f.units[r * k + i] = lut[code];
      if (special[code]) f.has_special[r] = 1;
    }
    for (std::size_t j = 0; j < nb; ++j) {
      const std::uint8_t s = q.scales[r * nb + j];
      if (s == mx::kE8M0Nan) {
        f.has_nan[r] = 1;
        f.pow2[r * nb + j] = 1.0;
        continue;
      }
      const int e = mx::e8m0_exponent(s) + lsb;
      f.pow2[r * nb + j] = std::ldexp(1.0, e);
      f.e_min[r] = std::min(f.e_min[r], e);
      f.e_max[r] = std::max(f.e_max[r], e);
    }
  }
  return f;
}

// Every product of the row pair is a zero of negative sign (golden's -0 block rule), over all K.
bool all_products_negative_zero(const mx::QuantizedRows& a, std::size_t m, const mx::QuantizedRows& b, std::size_t n) {
  for (std::size_t i = 0; i < a.columns; ++i) {
    const mx::ElementValue x = mx::decode_element(a.codes[m * a.columns + i], a.format);
    const mx::ElementValue y = mx::decode_element(b.codes[n * b.columns + i], b.format);
    if (!(x.significand == 0 || y.significand == 0) || x.negative == y.negative) return false;
  }
  return true;
}

// Which exact core a format pair runs on: block sums exact in FP32 (< 2^24), in double
// (< 2^53), or neither (golden).
enum class CoreKind { f32, f64, none };

CoreKind core_kind(ElementFormat a, ElementFormat b, std::size_t block_size) {
  const long double bound = static_cast<long double>(block_size) * static_cast<long double>(max_units(a)) *
                            static_cast<long double>(max_units(b));
  if (bound < 16777216.0L && !has_special_elements(a) && !has_special_elements(b)) return CoreKind::f32;
  if (bound < 9007199254740992.0L) return CoreKind::f64;  // 2^53
  return CoreKind::none;
}

// The fast-path core on the CPU (the CUDA twin is mx_gemm_core in kernels/mx/cuda/mx_gemm_cuda.h):
// per output, in block order, S_j exact in T, then
//   T = float:  acc = acc + float(S_j * 2^E) (one IEEE addition; exact term inside the window)
//   T = double: acc = add_round_once(acc, S_j * 2^E) (exact double term, rounded once), or for
//               block_then_fp32 acc = acc + RNE_fp32(S_j * 2^E)
// zero terms as +0.
constexpr std::size_t kCoreRows = 4;
constexpr std::size_t kCoreCols = 64;

template <typename T>
void gemm_core_cpu(const FastOperand& fa, const FastOperand& fb, std::size_t m, std::size_t n, std::size_t k,
                   std::size_t bs, bool round_block_first, float* out) {
  const std::size_t nb = (k + bs - 1) / bs;
  std::vector<T> a(m * k), bt(k * n);
  std::vector<double> pbt(nb * n);
  for (std::size_t i = 0; i < m * k; ++i) a[i] = static_cast<T>(fa.units[i]);
  for (std::size_t r = 0; r < n; ++r) {
    for (std::size_t i = 0; i < k; ++i) bt[i * n + r] = static_cast<T>(fb.units[r * k + i]);
    for (std::size_t j = 0; j < nb; ++j) pbt[j * n + r] = fb.pow2[r * nb + j];
  }
  const std::size_t row_blocks = (m + kCoreRows - 1) / kCoreRows;
  const std::size_t col_tiles = (n + kCoreCols - 1) / kCoreCols;
#pragma omp parallel for collapse(2) schedule(dynamic) if(worth_parallel(std::uint64_t{m} * n * k))
  for (std::ptrdiff_t rb = 0; rb < static_cast<std::ptrdiff_t>(row_blocks); ++rb) {
    for (std::ptrdiff_t ct = 0; ct < static_cast<std::ptrdiff_t>(col_tiles); ++ct) {
      const std::size_t r0 = static_cast<std::size_t>(rb) * kCoreRows, rows = std::min(kCoreRows, m - r0);
      const std::size_t c0 = static_cast<std::size_t>(ct) * kCoreCols, cols = std::min(kCoreCols, n - c0);
      alignas(64) float acc[kCoreRows][kCoreCols];
      alignas(64) T s[kCoreRows][kCoreCols];
      for (auto& row : acc) std::fill(row, row + kCoreCols, -0.0f);
      for (std::size_t j = 0; j < nb; ++j) {
        for (auto& row : s) std::fill(row, row + kCoreCols, T(0));
        const std::size_t k1 = std::min(k, (j + 1) * bs);
        for (std::size_t i = j * bs; i < k1; ++i) {
          const T* bi = bt.data() + i * n + c0;
          for (std::size_t r = 0; r < rows; ++r) {
            const T ar = a[(r0 + r) * k + i];
            // Integer values, |partial sums| below 2^24 (float) or 2^53 (double): exact, fused or not.
#pragma omp simd
            for (std::size_t c = 0; c < kCoreCols; ++c) s[r][c] += ar * (c < cols ? bi[c] : T(0));
          }
        }
        const double* pb = pbt.data() + j * n + c0;
        for (std::size_t r = 0; r < rows; ++r) {
          const double pa = fa.pow2[(r0 + r) * nb + j];
          if constexpr (std::is_same_v<T, float>) {
#pragma omp simd
            for (std::size_t c = 0; c < cols; ++c) {
              const float t = s[r][c] == 0.0f ? 0.0f : static_cast<float>((static_cast<double>(s[r][c]) * pa) * pb[c]);
              acc[r][c] = acc[r][c] + t;
            }
          } else {
            for (std::size_t c = 0; c < cols; ++c) {
              const double t = (s[r][c] * pa) * pb[c];  // exact
              if (s[r][c] == 0.0) {
                acc[r][c] = acc[r][c] + 0.0f;
              } else if (round_block_first) {
                acc[r][c] = acc[r][c] + static_cast<float>(t);  // block_then_fp32: c_j = RNE_fp32(t)
              } else {
                acc[r][c] = add_round_once(acc[r][c], t);  // fused_exact: one rounding
              }
            }
          }
        }
      }
      for (std::size_t r = 0; r < rows; ++r) std::copy(acc[r], acc[r] + cols, out + (r0 + r) * n + c0);
    }
  }
}

#if defined(__AVX512VNNI__)
// The f32 core with AVX-512 VNNI, for element units that fit int8 (FP4, FP6 E2M3, INT8): per
// block, S' = sum (u_a + 128) u_b by vpdpbusd (exact int32), S = S' - 128 * sum u_b; the block
// value t = float(S) * 2^E with 2^E built from the exponent bits (E + 127) << 23, exact while
// -126 <= E <= 104 for every block of the pair (checked afterwards: others go to golden).
// Units wider than int8 (FP6 E3M2, up to 448) take the int16 variant: vpdpwssd, two signed
// 16-bit products per 32-bit lane, no bias.
bool fits_int8(ElementFormat f) { return max_units(f) <= 127 || f == ElementFormat::int8; }
bool fits_int16(ElementFormat f) { return max_units(f) <= 32767; }

template <bool kWide>
void gemm_core_vnni(const FastOperand& fa, const FastOperand& fb, std::size_t m, std::size_t n, std::size_t k,
                    std::size_t bs, float* out) {
  using TA = std::conditional_t<kWide, std::int16_t, std::uint8_t>;
  using TB = std::conditional_t<kWide, std::int16_t, std::int8_t>;
  constexpr std::size_t kGroup = kWide ? 2 : 4;  // elements per 32-bit lane
  constexpr std::int64_t kBias = kWide ? 0 : 128;
  constexpr std::size_t kMr = 8, kNr = 32;
  const std::size_t nb = (k + bs - 1) / bs;
  const std::size_t g4 = (bs + kGroup - 1) / kGroup;  // lane groups per block
  const std::size_t mp = (m + kMr - 1) / kMr * kMr, np = (n + kNr - 1) / kNr * kNr;
  const std::size_t panels = np / kNr;
  std::vector<TA> ap(mp * nb * g4 * kGroup, 0);                // [row][block][g4*kGroup]
  std::vector<TB> bp(np * nb * g4 * kGroup, 0);                // [panel][block][g4][32][kGroup]
  std::vector<std::int32_t> ea(mp * nb, 0);                    // [row][block]
  std::vector<std::int32_t> eb(np * nb, 0), cb(np * nb, 0);    // [panel][block][32]
#pragma omp parallel if(worth_parallel(std::uint64_t{m} * n * k))
  {
#pragma omp for schedule(static) nowait
    for (std::ptrdiff_t rr = 0; rr < static_cast<std::ptrdiff_t>(m); ++rr) {
      const std::size_t r = static_cast<std::size_t>(rr);
      for (std::size_t j = 0; j < nb; ++j) {
        const std::size_t k0 = j * bs, k1 = std::min(k, k0 + bs);
        TA* d = ap.data() + (r * nb + j) * g4 * kGroup;
        for (std::size_t i = k0; i < k1; ++i) d[i - k0] = static_cast<TA>(fa.units[r * k + i] + kBias);
        const double p = fa.pow2[r * nb + j];
        ea[r * nb + j] = std::ilogb(p);
      }
    }
#pragma omp for schedule(static)
    for (std::ptrdiff_t cc = 0; cc < static_cast<std::ptrdiff_t>(n); ++cc) {
      const std::size_t c = static_cast<std::size_t>(cc), panel = c / kNr, lane = c % kNr;
      for (std::size_t j = 0; j < nb; ++j) {
        const std::size_t k0 = j * bs, k1 = std::min(k, k0 + bs);
        TB* d = bp.data() + ((panel * nb + j) * g4) * kNr * kGroup + lane * kGroup;
        std::int64_t sum = 0;
        for (std::size_t i = k0; i < k1; ++i) {
          const std::size_t t = i - k0;
          d[(t / kGroup) * kNr * kGroup + (t % kGroup)] = static_cast<TB>(fb.units[c * k + i]);
          sum += fb.units[c * k + i];
        }
        eb[(panel * nb + j) * kNr + lane] = std::ilogb(fb.pow2[c * nb + j]);
        cb[(panel * nb + j) * kNr + lane] = static_cast<std::int32_t>(kBias * sum);
      }
    }
#pragma omp for collapse(2) schedule(dynamic)
    for (std::ptrdiff_t pt = 0; pt < static_cast<std::ptrdiff_t>(panels); ++pt) {
      for (std::ptrdiff_t rt = 0; rt < static_cast<std::ptrdiff_t>(mp / kMr); ++rt) {
        const std::size_t panel = static_cast<std::size_t>(pt), r0 = static_cast<std::size_t>(rt) * kMr;
        __m512 acc[kMr][2];
        for (auto& row : acc) row[0] = row[1] = _mm512_set1_ps(-0.0f);
        const __m512i bias = _mm512_set1_epi32(127);
        for (std::size_t j = 0; j < nb; ++j) {
          __m512i sum[kMr][2];
          for (auto& row : sum) row[0] = row[1] = _mm512_setzero_si512();
          const TB* bj = bp.data() + ((panel * nb + j) * g4) * kNr * kGroup;
          for (std::size_t g = 0; g < g4; ++g) {
            const __m512i b0 = _mm512_loadu_si512(bj + g * kNr * kGroup);
            const __m512i b1 = _mm512_loadu_si512(bj + g * kNr * kGroup + kNr * kGroup / 2);
            for (std::size_t r = 0; r < kMr; ++r) {
              std::int32_t four;
              std::memcpy(&four, ap.data() + ((r0 + r) * nb + j) * g4 * kGroup + g * kGroup, 4);
              const __m512i av = _mm512_set1_epi32(four);
              if constexpr (kWide) {
                sum[r][0] = _mm512_dpwssd_epi32(sum[r][0], av, b0);
                sum[r][1] = _mm512_dpwssd_epi32(sum[r][1], av, b1);
              } else {
                sum[r][0] = _mm512_dpbusd_epi32(sum[r][0], av, b0);
                sum[r][1] = _mm512_dpbusd_epi32(sum[r][1], av, b1);
              }
            }
          }
          const std::int32_t* ebj = eb.data() + (panel * nb + j) * kNr;
          const std::int32_t* cbj = cb.data() + (panel * nb + j) * kNr;
          const __m512i eb0 = _mm512_add_epi32(_mm512_loadu_si512(ebj), bias);
          const __m512i eb1 = _mm512_add_epi32(_mm512_loadu_si512(ebj + 16), bias);
          const __m512i cb0 = _mm512_loadu_si512(cbj), cb1 = _mm512_loadu_si512(cbj + 16);
          for (std::size_t r = 0; r < kMr; ++r) {
            const __m512i e = _mm512_set1_epi32(ea[(r0 + r) * nb + j]);
            const __m512 scale0 = _mm512_castsi512_ps(_mm512_slli_epi32(_mm512_add_epi32(eb0, e), 23));
            const __m512 scale1 = _mm512_castsi512_ps(_mm512_slli_epi32(_mm512_add_epi32(eb1, e), 23));
            const __m512 s0 = _mm512_cvtepi32_ps(_mm512_sub_epi32(sum[r][0], cb0));
            const __m512 s1 = _mm512_cvtepi32_ps(_mm512_sub_epi32(sum[r][1], cb1));
            acc[r][0] = _mm512_add_ps(acc[r][0], _mm512_mul_ps(s0, scale0));
            acc[r][1] = _mm512_add_ps(acc[r][1], _mm512_mul_ps(s1, scale1));
          }
        }
        alignas(64) float tile[kNr];
        const std::size_t c0 = panel * kNr, valid = std::min(kNr, n - c0);
        for (std::size_t r = 0; r < kMr && r0 + r < m; ++r) {
          _mm512_store_ps(tile, acc[r][0]);
          _mm512_store_ps(tile + 16, acc[r][1]);
          std::copy(tile, tile + valid, out + (r0 + r) * n + c0);
        }
      }
    }
  }  // omp parallel
}
#endif

void gemm_fast(Backend backend, CoreKind kind, const mx::QuantizedRows& a, const mx::QuantizedRows& b,
               mx::Accumulation accumulation, float* out) {
  const std::size_t m = a.rows, n = b.rows, k = a.columns;
  const FastOperand fa = prepare(a);
  const FastOperand fb = prepare(b);
#if defined(__AVX512VNNI__)
  const bool vnni = backend == Backend::cpu && kind == CoreKind::f32 && fits_int16(a.format) && fits_int16(b.format);
  const bool narrow = fits_int8(a.format) && fits_int8(b.format);
#else
  const bool vnni = false;
#endif
  if (backend == Backend::cpu) {
    if (kind == CoreKind::f32 && vnni) {
#if defined(__AVX512VNNI__)
      if (narrow) {
        gemm_core_vnni<false>(fa, fb, m, n, k, a.block_size, out);
      } else {
        gemm_core_vnni<true>(fa, fb, m, n, k, a.block_size, out);
      }
#endif
    } else if (kind == CoreKind::f32) {
      gemm_core_cpu<float>(fa, fb, m, n, k, a.block_size, false, out);
    } else {
      gemm_core_cpu<double>(fa, fb, m, n, k, a.block_size,
                            accumulation == mx::Accumulation::block_then_fp32, out);
    }
  } else {
#if defined(TESSERA_KERNELS_HAVE_CUDA)
    if (kind == CoreKind::f32) {
      const std::vector<std::int32_t> ua(fa.units.begin(), fa.units.end()), ub(fb.units.begin(), fb.units.end());
      cuda::mx_gemm_core(ua.data(), ub.data(), fa.pow2.data(), fb.pow2.data(), m, n, k, a.block_size, out);
    } else {
      cuda::mx_gemm_core_f64(fa.units.data(), fb.units.data(), fa.pow2.data(), fb.pow2.data(), m, n, k, a.block_size,
                             accumulation == mx::Accumulation::block_then_fp32, out);
    }
#endif
  }
  // Rules the core leaves out, applied the same way after either backend. The f32 core needs
  // every block value inside FP32 (-149 <= E <= 104); the f64 core rounds exactly anywhere.
  const bool windowed = kind == CoreKind::f32;
  const int window_min = vnni ? -126 : -149;  // the VNNI core builds 2^E as a normal float
#pragma omp parallel for collapse(2) schedule(dynamic, 64) if(worth_parallel(std::uint64_t{m} * n * k))
  for (std::ptrdiff_t ii = 0; ii < static_cast<std::ptrdiff_t>(m); ++ii) {
    for (std::ptrdiff_t jj = 0; jj < static_cast<std::ptrdiff_t>(n); ++jj) {
      const std::size_t i = static_cast<std::size_t>(ii), j = static_cast<std::size_t>(jj);
      float& o = out[i * n + j];
      if (fa.has_nan[i] || fb.has_nan[j]) {
        o = canonical_nan();
      } else if (fa.has_special[i] || fb.has_special[j] ||
                 (windowed && (fa.e_min[i] + fb.e_min[j] < window_min || fa.e_max[i] + fb.e_max[j] > 104))) {
        o = mx::mx_dot(row_view(a, i), row_view(b, j), accumulation);  // golden, exact
      } else if (o == 0.0f) {
        o = all_products_negative_zero(a, i, b, j) ? -0.0f : 0.0f;
      } else if (std::isnan(o)) {
        o = canonical_nan();  // +Inf + -Inf of rounded block values: golden's NaN is 0x7FC00000
      }
    }
  }
}

}  // namespace

bool mx_gemm_fast_formats(ElementFormat a, ElementFormat b, std::size_t block_size) {
  return core_kind(a, b, block_size) == CoreKind::f32;
}

bool mx_gemm_exact_core(ElementFormat a, ElementFormat b, std::size_t block_size) {
  return core_kind(a, b, block_size) != CoreKind::none;
}

namespace {

// golden's block_scale with the amax scan in 16 lanes (non-negative floats order like their bits;
// amax >= +Inf bits exactly when some element is NaN or Inf).
std::uint8_t block_scale_of(const float* values, std::size_t count, ElementFormat format,
                            const mx::QuantizePolicy& policy) {
#if defined(__AVX512F__)
  const __m512i no_sign = _mm512_set1_epi32(0x7FFFFFFF);
  __m512i amax = _mm512_setzero_si512();
  std::size_t i = 0;
  for (; i + 16 <= count; i += 16) amax = _mm512_max_epu32(amax, _mm512_and_si512(_mm512_loadu_si512(values + i), no_sign));
  if (i < count) {
    const __m512i bits = _mm512_maskz_loadu_epi32(static_cast<__mmask16>((1u << (count - i)) - 1u), values + i);
    amax = _mm512_max_epu32(amax, _mm512_and_si512(bits, no_sign));
  }
  const auto amax_bits = static_cast<std::uint32_t>(_mm512_reduce_max_epu32(amax));
  if (amax_bits >= 0x7F800000u) return mx::kE8M0Nan;
  if (amax_bits == 0) return policy.zero_block_scale;
  return mx::e8m0_from_exponent(mx::scale_exponent(amax_bits, format, policy.scale_rule));
#else
  return mx::block_scale(values, count, format, policy);
#endif
}

}  // namespace

SupportReport mx_quantize_supports(Backend backend, ElementFormat format, std::size_t block_size,
                                   const mx::QuantizePolicy& policy) {
  if (block_size < 1) return SupportReport::no("block size: expected an integer >= 1, got 0");
  try {
    mx::validate_policy(policy, format);
  } catch (const ConfigError& e) {
    return SupportReport::no(e.what());
  }
  if (backend == Backend::cuda) return cuda_available();
  return SupportReport::yes();
}

mx::QuantizedRows mx_quantize(Backend backend, const float* values, std::size_t rows, std::size_t columns,
                              ElementFormat format, std::size_t block_size, const mx::QuantizePolicy& policy) {
  require(mx_quantize_supports(backend, format, block_size, policy), "mx_quantize");
  mx::QuantizedRows q = mx::empty_quantized_rows(rows, columns, format, block_size);
  const std::uint8_t nan_code = mx::nan_block_code(format, policy.nan_block_codes);
  const bool deterministic = policy.rounding != mx::ElementRounding::stochastic;
#if defined(TESSERA_KERNELS_HAVE_CUDA)
  if (backend == Backend::cuda) {
    cuda::mx_quantize(values, rows, columns, format, block_size, policy, q.codes.data(), q.scales.data());
    return q;
  }
#endif
  // Deterministic roundings: every format in 16 lanes (SearchEncoder).
  const SearchEncoder search(format, policy);
  // The unit of work: a run of up to kBlocksPerRun blocks of one row, their scales first, then
  // their codes in one encoder call (a call per block was ~30 % of INT8's time). 64 blocks of
  // 32 floats (8 KiB) stay in L1 from the scale scan to the encoding.
  constexpr std::size_t kBlocksPerRun = 64;
  const std::size_t runs_per_row = (q.blocks_per_row + kBlocksPerRun - 1) / kBlocksPerRun;
#pragma omp parallel for collapse(2) schedule(static) if(worth_parallel(std::uint64_t{rows} * columns * 32))
  for (std::ptrdiff_t rr = 0; rr < static_cast<std::ptrdiff_t>(rows); ++rr) {
    for (std::ptrdiff_t uu = 0; uu < static_cast<std::ptrdiff_t>(runs_per_row); ++uu) {
      const std::size_t r = static_cast<std::size_t>(rr), first_block = static_cast<std::size_t>(uu) * kBlocksPerRun;
      const std::size_t end_block = std::min(first_block + kBlocksPerRun, q.blocks_per_row);
      const std::size_t begin = r * columns + first_block * block_size;
      const std::size_t count =
          (end_block == q.blocks_per_row ? columns : end_block * block_size) - first_block * block_size;
      const float* run_values = values + begin;
      std::uint8_t* scales = q.scales.data() + r * q.blocks_per_row + first_block;
      std::uint8_t* codes = q.codes.data() + begin;
      auto block_elements = [&](std::size_t b) { return std::min(block_size, count - b * block_size); };
      bool any_nan_scale = false;
      for (std::size_t b = 0; b < end_block - first_block; ++b) {
        scales[b] = block_scale_of(run_values + b * block_size, block_elements(b), format, policy);
        any_nan_scale |= scales[b] == mx::kE8M0Nan;
      }
      if (deterministic) search.encode_blocks(run_values, count, block_size, scales, codes);  // skips NaN blocks
      if (deterministic && !any_nan_scale) continue;
      for (std::size_t b = 0; b < end_block - first_block; ++b) {
        const std::size_t first = b * block_size, n = block_elements(b);
        if (scales[b] == mx::kE8M0Nan) {
          std::fill(codes + first, codes + first + n, nan_code);
        } else if (!deterministic) {
          for (std::size_t i = first; i < first + n; ++i) {
            codes[i] = mx::quantize_element(run_values[i], scales[b], format, policy, begin + i);
          }
        }
      }
    }
  }
  return q;
}

SupportReport mx_gemm_supports(Backend backend, const mx::QuantizedRows& a, const mx::QuantizedRows& b_nk,
                               mx::Accumulation accumulation) {
  if (a.columns != b_nk.columns) return SupportReport::no("K differs between A and B");
  if (a.block_size != b_nk.block_size || a.block_size < 1) return SupportReport::no("block sizes differ or are 0");
  if (backend == Backend::cpu) return SupportReport::yes();
  SupportReport device = cuda_available();
  if (!device) return device;
  if (accumulation == mx::Accumulation::emu_dequant_fp32) {
    return SupportReport::no("emu_dequant_fp32 has no CUDA kernel; use the CPU twin");
  }
  if (!mx_gemm_exact_core(a.format, b_nk.format, a.block_size)) {
    return SupportReport::no(std::string("CUDA runs the exact cores only (block_size * max_a * max_b < 2^53: "
                                         "not E5M2 x E5M2 or E5M2 x E4M3); got ") +
                             std::string(mx::element_format_name(a.format)) + " x " +
                             std::string(mx::element_format_name(b_nk.format)));
  }
#if defined(TESSERA_KERNELS_HAVE_CUDA)
  return cuda_grid_supports(a.rows, b_nk.rows, cuda::kMxCoreTile, cuda::kMxCoreTile);
#else
  return SupportReport::yes();
#endif
}

std::vector<float> mx_gemm(Backend backend, const mx::QuantizedRows& a, const mx::QuantizedRows& b_nk,
                           mx::Accumulation accumulation) {
  check_gemm_shapes(a, b_nk);
  require(mx_gemm_supports(backend, a, b_nk, accumulation), "mx_gemm");
  std::vector<float> out(a.rows * b_nk.rows);
  if (out.empty()) return out;
  if (accumulation == mx::Accumulation::emu_dequant_fp32) {
    gemm_emu_dequant(a, b_nk, out.data());
  } else if (const CoreKind kind = core_kind(a.format, b_nk.format, a.block_size); kind != CoreKind::none) {
    gemm_fast(backend, kind, a, b_nk, accumulation, out.data());
  } else {
    gemm_slow_all(a, b_nk, accumulation, out.data());
  }
  return out;
}

}  // namespace tessera::kernels
