// CPU twin of golden/optical optical_gemm.
#include "kernels/optical/optical_gemm.h"

#include <algorithm>
#include <cmath>
#include <sstream>
#include <string>

#include <Eigen/Core>

#include "golden/common/error.h"
#include "golden/optical/quantizer.h"
#include "kernels/common/int8_gemm.h"
#include "kernels/common/parallel.h"
#include "kernels/optical/adc_draws.h"
#include "kernels/optical/combine_sums16.h"
#include "kernels/optical/quantize_operand.h"

#if defined(TESSERA_KERNELS_HAVE_CUDA)
#include "kernels/optical/cuda/optical_gemm_cuda.h"
#endif

namespace tessera::kernels {
namespace {

using RowMatrixD = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

// Code-sum columns per weight row and pass: sum qa*qw [U], sum qa [U], sum qa [P], sum qa [N].
constexpr std::size_t kSumKinds = 4;

// Where each weight element enters the code sums: slot pass * kSumKinds + kind, kind 0 for the
// unfloored set U (it feeds kinds 0 and 1), 2 for floored positive P, 3 for floored negative N;
// -1: in neither pass (split signs, value 0). Also fills each row's counts and sum_w.
std::vector<std::int8_t> weight_slots(const optical::OperandCodes& b, bool split_signs, std::size_t n, std::size_t k,
                                      std::vector<optical::CodeSums>& row_sums) {
  std::vector<std::int8_t> slots(n * k, -1);
#pragma omp parallel for schedule(static) if(worth_parallel(std::uint64_t{n} * k * 16))
  for (std::ptrdiff_t jj = 0; jj < static_cast<std::ptrdiff_t>(n); ++jj) {
    const std::size_t j = static_cast<std::size_t>(jj);
    for (std::size_t t = 0; t < k; ++t) {
      const std::size_t e = j * k + t;
      const std::int8_t fs = b.floor_signs[e];
      std::size_t pass = 0;
      if (split_signs) {
        int sign = fs;
        if (fs == 0) {
          const float value = optical::code_value(b.codes[e], b.params);
          sign = value > 0.0f ? 1 : (value < 0.0f ? -1 : 0);
        }
        if (sign == 0) continue;  // in neither pass
        pass = sign > 0 ? 0 : 1;
      }
      optical::CodeSums& s = row_sums[pass * n + j];
      std::size_t kind = 0;
      if (fs > 0) {
        s.n_pos += 1;
        kind = 2;
      } else if (fs < 0) {
        s.n_neg += 1;
        kind = 3;
      } else {
        s.n_plain += 1;
        s.sum_w += b.codes[e];
      }
      slots[e] = static_cast<std::int8_t>(pass * kSumKinds + kind);
    }
  }
  return slots;
}

// Double core: all sums in one double GEMM; every product and partial sum is an integer below
// K (L_in - 1)(L_w - 1) < 2^53 (supports), hence exact in any order.
RowMatrixD code_gemm_double(const optical::OperandCodes& a, const std::vector<std::int8_t>& slots,
                            const optical::OperandCodes& b, std::size_t m, std::size_t cols, std::size_t k) {
  const std::size_t n = b.rows;
  RowMatrixD wx = RowMatrixD::Zero(static_cast<Eigen::Index>(cols), static_cast<Eigen::Index>(k));
  for (std::size_t e = 0; e < n * k; ++e) {
    if (slots[e] < 0) continue;
    const std::size_t j = e / k, t = e % k, slot = static_cast<std::size_t>(slots[e]);
    const auto col = static_cast<Eigen::Index>(t);
    const auto row = [&](std::size_t offset) { return static_cast<Eigen::Index>((slot + offset) * n + j); };
    if (slot % kSumKinds == 0) {
      wx(row(0), col) = static_cast<double>(b.codes[e]);
      wx(row(1), col) = 1.0;
    } else {
      wx(row(0), col) = 1.0;
    }
  }
  RowMatrixD ax(static_cast<Eigen::Index>(m), static_cast<Eigen::Index>(k));
  for (std::size_t i = 0; i < m * k; ++i) ax.data()[i] = static_cast<double>(a.codes[i]);
  return ax * wx.transpose();
}

// Integer core: codes of at most 256 levels are bytes; kind 0 holds qw - 128 (int8), kinds 1-3
// indicators, so one u8 x s8 GEMM (kernels/common/int8_gemm.h, VNNI) gives every sum exactly
// while K * 255 * 128 < 2^31.
bool fits_int8_core(const optical::OpticalGemmSpec& spec, std::size_t k) {
  return int8_gemm_has_vnni() && spec.input.levels <= 256 && spec.weight.levels <= 256 &&
         static_cast<std::uint64_t>(k) * 255u * 128u < (std::uint64_t{1} << 31);
}

std::vector<std::int32_t> code_gemm_int8(const optical::OperandCodes& a, const std::vector<std::int8_t>& slots,
                                         const optical::OperandCodes& b, std::size_t m, std::size_t cols,
                                         std::size_t k) {
  const std::size_t n = b.rows;
  std::vector<std::uint8_t> ax(m * k);
  for (std::size_t i = 0; i < m * k; ++i) ax[i] = static_cast<std::uint8_t>(a.codes[i]);
  std::vector<std::int8_t> wx(cols * k, 0);
  for (std::size_t e = 0; e < n * k; ++e) {
    if (slots[e] < 0) continue;
    const std::size_t j = e / k, t = e % k, slot = static_cast<std::size_t>(slots[e]);
    const auto at = [&](std::size_t offset) -> std::int8_t& { return wx[((slot + offset) * n + j) * k + t]; };
    if (slot % kSumKinds == 0) {
      at(0) = static_cast<std::int8_t>(static_cast<int>(b.codes[e]) - 128);
      at(1) = 1;
    } else {
      at(0) = 1;
    }
  }
  std::vector<std::int32_t> y(m * cols);
  gemm_u8s8_i32(ax.data(), wx.data(), m, cols, k, y.data());
  return y;
}

}  // namespace

SupportReport optical_gemm_supports(Backend backend, const optical::Matrix& x, const optical::Matrix& w,
                                    const optical::OpticalGemmSpec& spec) {
  if (x.cols != w.cols) return SupportReport::no("inner dimensions differ");
  const long double bound = static_cast<long double>(x.cols) * static_cast<long double>(spec.input.levels - 1u) *
                            static_cast<long double>(spec.weight.levels - 1u);
  if (backend == Backend::cuda) {
    // The CUDA kernel sums codes in uint64: exact up to golden's own limit.
    if (bound >= 9223372036854775808.0L) {
      return SupportReport::no("K * (L_in - 1) * (L_w - 1) >= 2^63: golden optical_gemm rejects it too");
    }
    SupportReport device = cuda_available();
    if (!device) return device;
#if defined(TESSERA_KERNELS_HAVE_CUDA)
    return cuda_grid_supports(x.rows, w.rows, cuda::kOpticalTile, cuda::kOpticalTile);
#else
    return device;
#endif
  }
  if (bound >= 9007199254740992.0L) {
    return SupportReport::no("K * (L_in - 1) * (L_w - 1) >= 2^53: the code sums would not be exact in double; "
                             "use golden optical_gemm");
  }
  return SupportReport::yes();
}

optical::Matrix optical_gemm(Backend backend, const optical::Matrix& x, const optical::Matrix& w,
                             const std::vector<float>& bias, const optical::OpticalGemmSpec& spec,
                             const optical::CallKey& key) {
  // golden's checks, in golden's order and words.
  if (!bias.empty() && bias.size() != w.rows) {
    std::ostringstream message;
    message << "optical gemm: bias has " << bias.size() << " values for " << w.rows << " outputs";
    throw InputError(message.str());
  }
  if (spec.input.lut_min != 0.0f || spec.output.adc.lut_min != 0.0f ||
      (spec.split_signs && spec.negative_output.adc.lut_min != 0.0f)) {
    throw ConfigError("optical gemm: only the weight operand carries a lut_min floor");
  }
  if (key.call >= (1u << 29)) throw StateError("optical gemm: call counter exhausted (2^29 calls)");
  if (x.cols != w.cols) {
    std::ostringstream message;
    message << "optical gemm: inner dimensions differ (activations " << x.rows << " x " << x.cols << ", weights "
            << w.rows << " x " << w.cols << ")";
    throw InputError(message.str());
  }
  require(optical_gemm_supports(backend, x, w, spec), "optical_gemm");
#if defined(TESSERA_KERNELS_HAVE_CUDA)
  if (backend == Backend::cuda) return cuda::optical_gemm(x, w, bias, spec, key);
#endif
  const optical::OperandCodes a = optical_quantize_operand(x, spec.input, "optical gemm activations");
  const optical::OperandCodes b = optical_quantize_operand(w, spec.weight, "optical gemm weights");
  const std::size_t m = x.rows, n = w.rows, k = x.cols;
  const std::size_t passes = spec.split_signs ? 2 : 1;
  optical::Matrix out{m, n, std::vector<float>(m * n)};
  if (m == 0 || n == 0) return out;

  // Per weight row and pass: counts and sum_w (golden code_sums' activation-free part), and where
  // each weight element enters the GEMM (its slot).
  std::vector<optical::CodeSums> row_sums(passes * n);
  const std::vector<std::int8_t> slots = weight_slots(b, spec.split_signs, n, k, row_sums);
  const auto cols = passes * kSumKinds * n;
  // The code sums of output (i, j), pass p, kind t: GEMM column (p * kSumKinds + t) * n + j.
  // `weights_offset_by_128`: kind 0 holds sum qa * (qw - 128) over U, so sum qa * qw is that
  // + 128 * sum qa over U (kind 1), in uint64 modulo 2^64 (the true sum is >= 0 and exact).
  // `int8_sums`: the int8 core's output (cols int32 per activation row), whose blocks of 16
  // outputs within one row are combined and converted 16 at a time; null for the double core.
  const auto finish = [&](const auto& code_sum, bool weights_offset_by_128, const std::int32_t* int8_sums) {
    const CodeSumCombiner combiner(int8_sums ? row_sums : std::vector<optical::CodeSums>{}, a.params, b.params);
    // Blocks of kAdcBlock consecutive outputs: their noise and rounding draws come 16 at a time.
    const std::size_t total = m * n, blocks = (total + kAdcBlock - 1) / kAdcBlock;
#pragma omp parallel for schedule(static) if(worth_parallel(std::uint64_t{m} * n * k))
    for (std::ptrdiff_t bb = 0; bb < static_cast<std::ptrdiff_t>(blocks); ++bb) {
      const std::size_t first = static_cast<std::size_t>(bb) * kAdcBlock;
      const std::size_t count = std::min(kAdcBlock, total - first);
      const std::size_t row = first / n, j0 = first % n;
      if (int8_sums != nullptr && count == kAdcBlock && j0 + kAdcBlock <= n) {
        double analog[kAdcBlock];
        float result[2][kAdcBlock];
        for (std::size_t pass = 0; pass < passes; ++pass) {
          combiner.combine16(int8_sums + row * cols + pass * kSumKinds * n + j0, n, pass * n + j0, pass == 1, analog);
          AdcDraws draws;
          adc_draws(first, pass == 0 ? spec.output : spec.negative_output, key, static_cast<std::uint32_t>(pass), draws);
          adc_convert16(analog, draws, pass == 0 ? spec.output : spec.negative_output, result[pass]);
        }
        for (std::size_t lane = 0; lane < kAdcBlock; ++lane) {
          const float r = spec.split_signs ? result[0][lane] - result[1][lane] : result[0][lane];
          out.data[first + lane] = bias.empty() ? r : r + bias[j0 + lane];
        }
        continue;
      }
      double analog[2][kAdcBlock] = {};
      AdcDraws draws[2];
      for (std::size_t pass = 0; pass < passes; ++pass) {
        for (std::size_t lane = 0; lane < count; ++lane) {
          const std::size_t i = (first + lane) / n, j = (first + lane) % n;
          optical::CodeSums s = row_sums[pass * n + j];
          const std::size_t col = pass * kSumKinds * n + j;
          s.sum_a_plain = code_sum(i, col + n);
          s.sum_aw = code_sum(i, col) + (weights_offset_by_128 ? 128u * s.sum_a_plain : 0u);
          s.sum_a_pos = code_sum(i, col + 2 * n);
          s.sum_a_neg = code_sum(i, col + 3 * n);
          const double v = optical::combine_code_sums(s, a.params, b.params);
          analog[pass][lane] = pass == 0 ? v : -v;
        }
        adc_draws(first, pass == 0 ? spec.output : spec.negative_output, key, static_cast<std::uint32_t>(pass),
                  draws[pass]);
      }
      for (std::size_t lane = 0; lane < count; ++lane) {
        float result;
        if (spec.split_signs) {
          const float positive = adc_convert_with_draws(analog[0][lane], draws[0], lane, spec.output);
          const float negative = adc_convert_with_draws(analog[1][lane], draws[1], lane, spec.negative_output);
          result = positive - negative;
        } else {
          result = adc_convert_with_draws(analog[0][lane], draws[0], lane, spec.output);
        }
        const std::size_t idx = first + lane;
        out.data[idx] = bias.empty() ? result : result + bias[idx % n];
      }
    }
  };
  if (fits_int8_core(spec, k)) {
    const std::vector<std::int32_t> y = code_gemm_int8(a, slots, b, m, cols, k);
    finish([&](std::size_t i, std::size_t col) {
      return static_cast<std::uint64_t>(static_cast<std::int64_t>(y[i * cols + col]));
    }, true, y.data());
  } else {
    const RowMatrixD y = code_gemm_double(a, slots, b, m, cols, k);
    finish([&](std::size_t i, std::size_t col) {
      return static_cast<std::uint64_t>(y(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(col)));
    }, false, nullptr);
  }
  return out;
}

}  // namespace tessera::kernels
