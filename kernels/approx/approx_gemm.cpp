// CPU twin of golden/approx gemm/conv and the dispatcher for both backends.
#include "kernels/approx/approx_gemm.h"

#include <algorithm>
#include <cstring>
#include <string>

#include <Eigen/Core>

#include "golden/common/error.h"
#include "kernels/approx/bit_plane_tiles.h"
#include "kernels/approx/expanded_gemm.h"
#include "kernels/approx/gather_gemm.h"
#include "kernels/common/int8_gemm.h"
#include "kernels/common/parallel.h"
#include "kernels/common/scratch.h"
#include "kernels/common/transpose.h"

#if defined(TESSERA_KERNELS_HAVE_CUDA)
#include "kernels/approx/cuda/approx_gemm_cuda.h"
#endif

namespace tessera::kernels {
namespace {

using RowMatrixF = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

// Original K columns per FP32 GEMM chunk. Per column |a*w| + sum_g f_g(a) (b & J_g) <=
// 16384 + 127 * 127 = 32513, and 512 * 32513 < 2^24: every partial sum is an exact FP32 integer.
constexpr std::size_t kFloatChunk = 512;

// --- structured paths: one FP32 GEMM per K-chunk over the expanded operands ----------------------
void gemm_float_exact(const ApproxPlan& plan, const std::int8_t* a, const std::int8_t* w, std::size_t m,
                      std::size_t n, std::size_t k, std::int32_t* out) {
  const std::vector<BitPlaneGroup>& groups = plan.groups();
  const std::size_t width = 1 + groups.size();  // expanded columns per original column
  const std::size_t kx = k * width;
  RowMatrixF ax(static_cast<Eigen::Index>(m), static_cast<Eigen::Index>(kx));
  RowMatrixF wx(static_cast<Eigen::Index>(n), static_cast<Eigen::Index>(kx));
  // Chunk c covers original columns [k0, k1) and expanded columns [k0 * width, k1 * width):
  // first the plain values, then one run of (k1 - k0) columns per group.
  auto expand = [&](const std::int8_t* src, std::size_t rows, RowMatrixF& dst, bool activation) {
#pragma omp parallel for schedule(static) if(worth_parallel(std::uint64_t{m} * n * k))
    for (std::ptrdiff_t r = 0; r < static_cast<std::ptrdiff_t>(rows); ++r) {
      const std::int8_t* row = src + static_cast<std::size_t>(r) * k;
      float* d = dst.data() + static_cast<std::size_t>(r) * kx;
      for (std::size_t k0 = 0; k0 < k; k0 += kFloatChunk) {
        const std::size_t len = std::min(kFloatChunk, k - k0);
        float* base = d + k0 * width;
        for (std::size_t i = 0; i < len; ++i) base[i] = static_cast<float>(row[k0 + i]);
        for (std::size_t g = 0; g < groups.size(); ++g) {
          float* run = base + (g + 1) * len;
          for (std::size_t i = 0; i < len; ++i) {
            const unsigned u = static_cast<std::uint8_t>(row[k0 + i]);
            run[i] = activation ? static_cast<float>(u & groups[g].activation_mask)
                                : -static_cast<float>(u & groups[g].weight_bits);
          }
        }
      }
    }
  };
  expand(a, m, ax, true);
  expand(w, n, wx, false);
  std::fill(out, out + m * n, 0);
  RowMatrixF c(static_cast<Eigen::Index>(m), static_cast<Eigen::Index>(n));
  for (std::size_t k0 = 0; k0 < k; k0 += kFloatChunk) {
    const std::size_t len = std::min(kFloatChunk, k - k0);
    const auto cols = static_cast<Eigen::Index>(len * width);
    const auto first = static_cast<Eigen::Index>(k0 * width);
    c.noalias() = ax.middleCols(first, cols) * wx.middleCols(first, cols).transpose();
    const float* cd = c.data();
#pragma omp parallel for schedule(static) if(worth_parallel(std::uint64_t{m} * n * k))
    for (std::ptrdiff_t i = 0; i < static_cast<std::ptrdiff_t>(m * n); ++i) {
      out[i] += static_cast<std::int32_t>(cd[i]);
    }
  }
}

// The Baugh-Wooley decomposition as one expanded integer GEMM (expanded_gemm.h): per original
// column the activation side holds a (stored + 128) and f_g(a) in 0..127, the weight side b and
// -(uint8(b) & J_g), so the sum is sum_k a b - sum_g f_g(a) (b & J_g) = sum_k table(a, b).
void gemm_int8_exact(const ApproxPlan& plan, const std::int8_t* a, const std::int8_t* w, std::size_t m,
                     std::size_t n, std::size_t k, std::int32_t* out) {
  const std::vector<BitPlaneGroup>& groups = plan.groups();
  std::array<std::uint8_t, 1 + kMaxBitPlaneGroups> shift{};
  shift[0] = 128;
  expanded_int8_gemm(
      a, w, m, n, k, 1 + groups.size(), shift.data(),
      [&](std::size_t p) {
        const std::uint8_t mask = p == 0 ? 0 : groups[p - 1].activation_mask;
        return [p, mask](std::int8_t code) {
          return p == 0 ? int{code} : static_cast<int>(static_cast<std::uint8_t>(code) & mask);
        };
      },
      [&](std::size_t p) {
        const std::uint8_t bits = groups[p - 1].weight_bits;
        return [bits](std::int8_t code) { return -static_cast<int>(static_cast<std::uint8_t>(code) & bits); };
      },
      out);
}

// The gather path's orientation. Where its rows would share their lookups (gather_shares_lookups:
// many rows, and with tile sums few columns), the operand with more rows selects the table rows.
// Otherwise, with few output columns (a conv layer's channels), the weights select table rows and the many
// activations are the columns, i.e. the transposed problem on the transposed table (same entries,
// table(a, w) = transposed(w, a)), so that each row's lookups cover many columns.
bool gather_runs_transposed(std::size_t m, std::size_t n) {
  if (gather_shares_lookups(std::max(m, n), std::min(m, n), lookup_sums())) return n > m;
  return 2 * n < m;
}

// im2col of group g written k-major (the layout the gather path's lookups read; the other paths
// transpose it):
// dst[kk * stride + col], kk = (ci, ky, kx), col = (b, y, x); taps outside the input read code 0,
// as golden; columns [rows, stride) are written as 0. Per tap and output row, the pixels of a
// stride-1 conv are one run of an input row (copied whole).
void im2col_group_k_major(const std::int8_t* input, const approx::Conv2dShape& s, std::size_t g, std::uint8_t* dst,
                          std::size_t stride) {
  const std::size_t ho = s.out_height(), wo = s.out_width(), pixels = ho * wo, rows = s.batch * pixels;
  const std::size_t cin_g = s.in_channels / s.groups, cout_g = s.out_channels / s.groups, k = s.depth();
  const std::size_t taps = s.kernel_height * s.kernel_width;
#pragma omp parallel for schedule(static) if(worth_parallel(std::uint64_t{rows} * k * cout_g))
  for (std::ptrdiff_t t = 0; t < static_cast<std::ptrdiff_t>(k); ++t) {
    const std::size_t kk = static_cast<std::size_t>(t);
    const std::size_t ci = kk / taps, ky = (kk % taps) / s.kernel_width, kx = kk % s.kernel_width;
    std::uint8_t* row = dst + kk * stride;
    // Output columns x whose input column x * stride_w + kx * dilation_w - pad_w lies inside.
    const std::ptrdiff_t shift = static_cast<std::ptrdiff_t>(kx * s.dilation_w) - static_cast<std::ptrdiff_t>(s.pad_w);
    const auto sw = static_cast<std::ptrdiff_t>(s.stride_w);
    const std::ptrdiff_t x_lo = shift >= 0 ? 0 : (-shift + sw - 1) / sw;
    const std::ptrdiff_t past = static_cast<std::ptrdiff_t>(s.in_width) - shift;  // need x * sw < past
    const std::ptrdiff_t x_hi = past <= 0 ? 0 : std::min<std::ptrdiff_t>(static_cast<std::ptrdiff_t>(wo), (past + sw - 1) / sw);
    for (std::size_t b = 0; b < s.batch; ++b) {
      const std::int8_t* plane = input + ((b * s.in_channels + g * cin_g + ci) * s.in_height) * s.in_width;
      for (std::size_t y = 0; y < ho; ++y) {
        std::uint8_t* d = row + b * pixels + y * wo;
        const std::ptrdiff_t iy = static_cast<std::ptrdiff_t>(y * s.stride_h + ky * s.dilation_h) -
                                  static_cast<std::ptrdiff_t>(s.pad_h);
        if (iy < 0 || iy >= static_cast<std::ptrdiff_t>(s.in_height) || x_lo >= x_hi) {
          std::memset(d, 0, wo);
          continue;
        }
        const std::int8_t* src = plane + static_cast<std::size_t>(iy) * s.in_width;
        std::memset(d, 0, static_cast<std::size_t>(x_lo));
        if (sw == 1) {
          std::memcpy(d + x_lo, src + x_lo + shift, static_cast<std::size_t>(x_hi - x_lo));
        } else {
          for (std::ptrdiff_t x = x_lo; x < x_hi; ++x) d[x] = static_cast<std::uint8_t>(src[x * sw + shift]);
        }
        std::memset(d + x_hi, 0, wo - static_cast<std::size_t>(x_hi));
      }
    }
    std::memset(row + rows, 0, stride - rows);
  }
}
}  // namespace

std::string_view approx_path_name(ApproxPath path) {
  switch (path) {
    case ApproxPath::exact: return "exact";
    case ApproxPath::bit_planes: return "bit_planes";
    case ApproxPath::gather: return "gather";
  }
  return "gather";
}

bool decompose_bit_planes(const approx::MultiplierTable& table, std::vector<BitPlaneGroup>& groups) {
  groups.clear();
  // Dropped AND bits p(i, j), i, j < 7, read off the powers of two: table(2^i, 2^j) is 2^(i+j)
  // when the bit is kept and 0 when it is dropped. Anything else: not such an array.
  std::array<std::uint8_t, 7> dropped{};
  for (int j = 0; j < 7; ++j) {
    for (int i = 0; i < 7; ++i) {
      const std::int32_t t = table(static_cast<std::int8_t>(1 << i), static_cast<std::int8_t>(1 << j));
      if (t == 0) {
        dropped[static_cast<std::size_t>(j)] = static_cast<std::uint8_t>(dropped[static_cast<std::size_t>(j)] | (1u << i));
      } else if (t != (1 << (i + j))) {
        return false;
      }
    }
  }
  for (int j = 0; j < 7; ++j) {
    const std::uint8_t mask = dropped[static_cast<std::size_t>(j)];
    if (mask == 0) continue;
    auto same = std::find_if(groups.begin(), groups.end(), [&](const BitPlaneGroup& g) { return g.activation_mask == mask; });
    if (same == groups.end()) {
      groups.push_back({mask, static_cast<std::uint8_t>(1u << j)});
    } else {
      same->weight_bits = static_cast<std::uint8_t>(same->weight_bits | (1u << j));
    }
  }
  // Proof: rebuild every entry from the decomposition.
  for (std::size_t index = 0; index < approx::kTableEntries; ++index) {
    const std::int8_t a = approx::port_a_of(index);
    const std::int8_t b = approx::port_b_of(index);
    std::int32_t value = static_cast<std::int32_t>(a) * b;
    for (const BitPlaneGroup& g : groups) {
      value -= static_cast<std::int32_t>(static_cast<std::uint8_t>(a) & g.activation_mask) *
               static_cast<std::int32_t>(static_cast<std::uint8_t>(b) & g.weight_bits);
    }
    if (value != table.data()[index]) {
      groups.clear();
      return false;
    }
  }
  return true;
}

ApproxPlan::ApproxPlan(const approx::MultiplierTable& table, bool allow_structured) : table_(table) {
  if (allow_structured && decompose_bit_planes(table_, groups_)) {
    path_ = groups_.empty() ? ApproxPath::exact : ApproxPath::bit_planes;
  } else {
    groups_.clear();
    path_ = ApproxPath::gather;
    const std::int16_t* lut = table_.data();
    std::vector<std::int16_t> transposed(approx::kTableEntries);
    for (std::size_t i = 0; i < 256; ++i)
      for (std::size_t j = 0; j < 256; ++j) transposed[j * 256 + i] = lut[i * 256 + j];
    by_activation_ = shared_gather_table(lut);
    by_weight_ = shared_gather_table(transposed.data());
  }
}

SupportReport approx_gemm_supports(Backend backend, std::size_t m, std::size_t n, std::size_t k) {
  if (k > approx::kMaxInt32Depth) {
    return SupportReport::no("K = " + std::to_string(k) + " exceeds " + std::to_string(approx::kMaxInt32Depth) +
                             " (int32 accumulator); use golden approx_gemm_i64");
  }
  if (backend == Backend::cpu) return SupportReport::yes();
#if defined(TESSERA_KERNELS_HAVE_CUDA)
  SupportReport device = cuda_available();
  if (!device) return device;
  if (m > 0x7FFFFFFFu || n > 0x7FFFFFFFu) return SupportReport::no("M or N exceeds 2^31 - 1");
  if (SupportReport grid = cuda_grid_supports(m, n, cuda::kTableKernelTile, cuda::kTableKernelTile); !grid) return grid;
  return cuda::approx_gemm_device_supports();
#else
  return cuda_available();
#endif
}

SupportReport approx_conv2d_supports(Backend backend, const approx::Conv2dShape& shape) {
  try {
    shape.validate();
  } catch (const ConfigError& e) {
    return SupportReport::no(e.what());
  }
  return approx_gemm_supports(backend, shape.batch * shape.out_height() * shape.out_width(),
                              shape.out_channels / shape.groups, shape.depth());
}

void approx_gemm_cpu(const ApproxPlan& plan, const std::int8_t* activations, const std::int8_t* weights,
                     std::size_t m, std::size_t n, std::size_t k, std::int32_t* out) {
  if (m == 0 || n == 0) return;
  if (k == 0) {
    std::fill(out, out + m * n, 0);
    return;
  }
  if (plan.path() == ApproxPath::gather) {
    if (gather_runs_transposed(m, n)) {  // then the result is transposed back
      std::int32_t* out_t = scratch_buffer<std::int32_t>(ScratchSlot::transposed_output, n * m);
      gather_gemm(*plan.gather_by_weight(), weights, activations, n, m, k, out_t);
      transpose_int32(out_t, m, n, m, out, n, std::uint64_t{m} * n * k);
    } else {
      gather_gemm(*plan.gather_by_activation(), activations, weights, m, n, k, out);
    }
  } else if (int8_gemm_has_vnni()) {
    gemm_int8_exact(plan, activations, weights, m, n, k, out);
  } else {
    gemm_float_exact(plan, activations, weights, m, n, k, out);
  }
}

std::vector<std::int32_t> approx_gemm(Backend backend, const ApproxPlan& plan, const std::int8_t* activations,
                                      const std::int8_t* weights, std::size_t m, std::size_t n, std::size_t k) {
  require(approx_gemm_supports(backend, m, n, k), "approx_gemm");
  std::vector<std::int32_t> out(m * n, 0);
  if (backend == Backend::cpu) {
    approx_gemm_cpu(plan, activations, weights, m, n, k, out.data());
  } else {
#if defined(TESSERA_KERNELS_HAVE_CUDA)
    if (m != 0 && n != 0) cuda::approx_gemm(plan, activations, weights, m, n, k, out.data());
#endif
  }
  return out;
}

std::vector<std::int32_t> approx_conv2d(Backend backend, const ApproxPlan& plan, const std::int8_t* input,
                                        const std::int8_t* weight, const approx::Conv2dShape& s) {
  require(approx_conv2d_supports(backend, s), "approx_conv2d");
#if defined(TESSERA_KERNELS_HAVE_CUDA)
  if (backend == Backend::cuda) {
    std::vector<std::int32_t> out(s.output_size());
    cuda::approx_conv2d(plan, input, weight, s, out.data());
    return out;
  }
#endif
  const std::size_t ho = s.out_height(), wo = s.out_width();
  const std::size_t cout_g = s.out_channels / s.groups;
  const std::size_t k = s.depth();
  const std::size_t pixels = ho * wo;
  const std::size_t rows = s.batch * pixels;
  std::vector<std::int32_t> out(s.output_size());
  if (plan.path() == ApproxPath::gather && gather_runs_transposed(rows, cout_g)) {
    // The transposed problem straight from a k-major im2col; its result (channel x pixel) is
    // the output's layout already (with one image, written in place).
    const std::size_t stride = (rows + 63) / 64 * 64;
    std::uint8_t* cols_t = scratch_buffer<std::uint8_t>(ScratchSlot::conv_columns_k_major, k * stride);
    std::int32_t* out_t = s.batch == 1 ? nullptr : scratch_buffer<std::int32_t>(ScratchSlot::conv_output, cout_g * rows);
    for (std::size_t g = 0; g < s.groups; ++g) {
      im2col_group_k_major(input, s, g, cols_t, stride);
      std::int32_t* dst = s.batch == 1 ? out.data() + g * cout_g * pixels : out_t;
      gather_gemm_k_major(*plan.gather_by_weight(), weight + g * cout_g * k, cols_t, stride, cout_g, rows, k, dst);
      for (std::size_t b = 0; s.batch > 1 && b < s.batch; ++b) {
        for (std::size_t co = 0; co < cout_g; ++co) {
          std::memcpy(out.data() + ((b * s.out_channels) + g * cout_g + co) * pixels, out_t + co * rows + b * pixels,
                      pixels * sizeof(std::int32_t));
        }
      }
    }
    return out;
  }
  // Otherwise the GEMM reads the im2col row by row: written k-major (whole runs of input rows) and
  // transposed in tiles, which is several times faster than gathering each row's taps.
  const std::uint64_t work = std::uint64_t{rows} * k * cout_g;
  const std::size_t stride = (rows + 15) / 16 * 16;
  std::uint8_t* cols_t = scratch_buffer<std::uint8_t>(ScratchSlot::conv_columns_k_major, k * stride);
  std::int8_t* cols = scratch_buffer<std::int8_t>(ScratchSlot::conv_columns, rows * k);
  std::int32_t* gemm_out = scratch_buffer<std::int32_t>(ScratchSlot::conv_output, rows * cout_g);
  for (std::size_t g = 0; g < s.groups; ++g) {
    im2col_group_k_major(input, s, g, cols_t, stride);
    transpose_bytes(cols_t, stride, k, rows, reinterpret_cast<std::uint8_t*>(cols), k, work);
    approx_gemm_cpu(plan, cols, weight + g * cout_g * k, rows, cout_g, k, gemm_out);
    for (std::size_t b = 0; b < s.batch; ++b) {  // (pixel, channel) -> the output's (channel, pixel)
      transpose_int32(gemm_out + b * pixels * cout_g, cout_g, pixels, cout_g,
                      out.data() + (b * s.out_channels + g * cout_g) * pixels, pixels, work);
    }
  }
  return out;
}

}  // namespace tessera::kernels
