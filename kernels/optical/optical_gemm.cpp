// CPU twin of golden/optical optical_gemm.
#include "kernels/optical/optical_gemm.h"

#include <cmath>
#include <sstream>
#include <string>

#include <Eigen/Core>

#include "golden/common/error.h"
#include "golden/optical/quantizer.h"
#include "kernels/common/parallel.h"

namespace tessera::kernels {
namespace {

using RowMatrixD = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

// Code-sum columns per weight row and pass: sum qa*qw [U], sum qa [U], sum qa [P], sum qa [N].
constexpr std::size_t kSumKinds = 4;

// golden quantize_operand, in parallel: the same per-element functions, so the same codes. A NaN
// is left to golden itself, which throws its own message.
optical::OperandCodes quantize_operand_parallel(const optical::Matrix& mat, const optical::QuantizerParams& params,
                                       const std::string& what) {
  for (float v : mat.data) {
    if (std::isnan(v)) return optical::quantize_operand(mat, params, what);
  }
  optical::OperandCodes out;
  out.rows = mat.rows;
  out.cols = mat.cols;
  out.params = params;
  out.codes.resize(mat.size());
  out.floor_signs.resize(mat.size());
#pragma omp parallel for schedule(static) if(worth_parallel(std::uint64_t{mat.size()} * 32))
  for (std::ptrdiff_t ii = 0; ii < static_cast<std::ptrdiff_t>(mat.size()); ++ii) {
    const std::size_t i = static_cast<std::size_t>(ii);
    const std::uint32_t q = optical::code_deterministic(mat.data[i], params);
    out.codes[i] = q;
    out.floor_signs[i] = static_cast<std::int8_t>(optical::floor_sign(optical::code_value(q, params), params));
  }
  return out;
}

}  // namespace

SupportReport optical_gemm_supports(Backend backend, const optical::Matrix& x, const optical::Matrix& w,
                                    const optical::OpticalGemmSpec& spec) {
  if (backend == Backend::cuda) return SupportReport::no("optical_gemm has no CUDA kernel yet; use the CPU twin");
  if (x.cols != w.cols) return SupportReport::no("inner dimensions differ");
  const long double bound = static_cast<long double>(x.cols) * static_cast<long double>(spec.input.levels - 1u) *
                            static_cast<long double>(spec.weight.levels - 1u);
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
  const optical::OperandCodes a = quantize_operand_parallel(x, spec.input, "optical gemm activations");
  const optical::OperandCodes b = quantize_operand_parallel(w, spec.weight, "optical gemm weights");
  const std::size_t m = x.rows, n = w.rows, k = x.cols;
  const std::size_t passes = spec.split_signs ? 2 : 1;
  optical::Matrix out{m, n, std::vector<float>(m * n)};
  if (m == 0 || n == 0) return out;

  // Per weight row and pass: counts and sum_w (golden code_sums' activation-free part), and the
  // indicator / code rows of the GEMM.
  std::vector<optical::CodeSums> row_sums(passes * n);
  RowMatrixD wx = RowMatrixD::Zero(static_cast<Eigen::Index>(passes * kSumKinds * n), static_cast<Eigen::Index>(k));
#pragma omp parallel for schedule(static) if(worth_parallel(std::uint64_t{m} * n * k))
  for (std::ptrdiff_t jj = 0; jj < static_cast<std::ptrdiff_t>(n); ++jj) {
    const std::size_t j = static_cast<std::size_t>(jj);
    for (std::size_t t = 0; t < k; ++t) {
      const std::size_t e = j * k + t;
      const std::int8_t fs = b.floor_signs[e];
      std::size_t pass = 0;
      if (spec.split_signs) {
        int sign = fs;
        if (fs == 0) {
          const float value = optical::code_value(b.codes[e], b.params);
          sign = value > 0.0f ? 1 : (value < 0.0f ? -1 : 0);
        }
        if (sign == 0) continue;  // in neither pass
        pass = sign > 0 ? 0 : 1;
      }
      optical::CodeSums& s = row_sums[pass * n + j];
      const auto row = [&](std::size_t kind) {
        return static_cast<Eigen::Index>((pass * kSumKinds + kind) * n + j);
      };
      const auto col = static_cast<Eigen::Index>(t);
      if (fs > 0) {
        s.n_pos += 1;
        wx(row(2), col) = 1.0;
      } else if (fs < 0) {
        s.n_neg += 1;
        wx(row(3), col) = 1.0;
      } else {
        s.n_plain += 1;
        s.sum_w += b.codes[e];
        wx(row(0), col) = static_cast<double>(b.codes[e]);
        wx(row(1), col) = 1.0;
      }
    }
  }
  RowMatrixD ax(static_cast<Eigen::Index>(m), static_cast<Eigen::Index>(k));
  for (std::size_t i = 0; i < m * k; ++i) ax.data()[i] = static_cast<double>(a.codes[i]);
  // Integer products and sums below 2^53 (supports): exact in any order.
  const RowMatrixD y = ax * wx.transpose();

#pragma omp parallel for schedule(static) if(worth_parallel(std::uint64_t{m} * n * k))
  for (std::ptrdiff_t ii = 0; ii < static_cast<std::ptrdiff_t>(m * n); ++ii) {
    const std::size_t idx = static_cast<std::size_t>(ii), i = idx / n, j = idx % n;
    double analog[2] = {0.0, 0.0};
    for (std::size_t pass = 0; pass < passes; ++pass) {
      optical::CodeSums s = row_sums[pass * n + j];
      const auto at = [&](std::size_t kind) {
        return static_cast<std::uint64_t>(y(static_cast<Eigen::Index>(i),
                                            static_cast<Eigen::Index>((pass * kSumKinds + kind) * n + j)));
      };
      s.sum_aw = at(0);
      s.sum_a_plain = at(1);
      s.sum_a_pos = at(2);
      s.sum_a_neg = at(3);
      const double v = optical::combine_code_sums(s, a.params, b.params);
      analog[pass] = pass == 0 ? v : -v;
    }
    float result;
    if (spec.split_signs) {
      const float positive = optical::adc_convert(analog[0], idx, spec.output, key, 0);
      const float negative = optical::adc_convert(analog[1], idx, spec.negative_output, key, 1);
      result = positive - negative;
    } else {
      result = optical::adc_convert(analog[0], idx, spec.output, key);
    }
    out.data[idx] = bias.empty() ? result : result + bias[j];
  }
  return out;
}

}  // namespace tessera::kernels
