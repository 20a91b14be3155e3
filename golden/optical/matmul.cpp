#include "golden/optical/matmul.h"

#include <cmath>
#include <sstream>

#include "golden/common/error.h"
#include "golden/optical/noise.h"
#include "golden/rng/counter_rng.h"

namespace tessera::optical {

OperandCodes quantize_operand(const Matrix& m, const QuantizerParams& params,
                              const std::string& what) {
  OperandCodes out;
  out.rows = m.rows;
  out.cols = m.cols;
  out.params = params;
  out.codes.resize(m.size());
  out.floor_signs.resize(m.size());
  for (std::size_t i = 0; i < m.size(); ++i) {
    if (std::isnan(m.data[i])) {
      std::ostringstream message;
      message << what << ": element " << i << " is NaN; the optical quantizer has no code for it";
      throw InputError(message.str());
    }
    const std::uint32_t q = code_deterministic(m.data[i], params);
    out.codes[i] = q;
    out.floor_signs[i] = static_cast<std::int8_t>(floor_sign(code_value(q, params), params));
  }
  return out;
}

CodeSums code_sums(const std::uint32_t* qa, const std::uint32_t* qw, const std::int8_t* floor_signs,
                   std::size_t k) {
  CodeSums s;
  for (std::size_t t = 0; t < k; ++t) {
    const std::uint64_t a = qa[t];
    if (floor_signs[t] > 0) {
      s.n_pos += 1;
      s.sum_a_pos += a;
    } else if (floor_signs[t] < 0) {
      s.n_neg += 1;
      s.sum_a_neg += a;
    } else {
      const std::uint64_t w = qw[t];
      s.n_plain += 1;
      s.sum_w += w;
      s.sum_a_plain += a;
      s.sum_aw += a * w;
    }
  }
  return s;
}

namespace {

// Shapes agree and the code sums stay exact in 64 bits.
void check_code_gemm(const OperandCodes& a, const OperandCodes& w) {
  if (a.cols != w.cols) {
    std::ostringstream message;
    message << "optical gemm: inner dimensions differ (activations " << a.rows << " x " << a.cols
            << ", weights " << w.rows << " x " << w.cols << ")";
    throw InputError(message.str());
  }
  const long double bound = static_cast<long double>(a.cols) * (a.params.levels - 1u) *
                            static_cast<long double>(w.params.levels - 1u);
  if (bound >= 9223372036854775808.0L) {
    throw ConfigError("optical gemm: K * (L_in - 1) * (L_w - 1) must stay below 2^63 so the code "
                      "sums are exact");
  }
}

}  // namespace

std::vector<double> analog_products(const OperandCodes& a, const OperandCodes& w) {
  check_code_gemm(a, w);
  const std::size_t k = a.cols;
  std::vector<double> y(a.rows * w.rows);
  for (std::size_t i = 0; i < a.rows; ++i) {
    for (std::size_t j = 0; j < w.rows; ++j) {
      const CodeSums sums = code_sums(&a.codes[i * k], &w.codes[j * k], &w.floor_signs[j * k], k);
      y[i * w.rows + j] = combine_code_sums(sums, a.params, w.params);
    }
  }
  return y;
}

SplitProducts analog_products_split(const OperandCodes& a, const OperandCodes& w) {
  // Per weight row and sign, the code sums over that sign's elements only.
  check_code_gemm(a, w);
  const std::size_t k = a.cols;
  std::vector<std::int8_t> pass_sign(w.codes.size());
  for (std::size_t t = 0; t < w.codes.size(); ++t) {
    if (w.floor_signs[t] != 0) {
      pass_sign[t] = w.floor_signs[t];
    } else {
      const float value = code_value(w.codes[t], w.params);
      pass_sign[t] = static_cast<std::int8_t>(value > 0.0f ? 1 : (value < 0.0f ? -1 : 0));
    }
  }
  SplitProducts out{std::vector<double>(a.rows * w.rows), std::vector<double>(a.rows * w.rows)};
  std::vector<std::uint32_t> qa_sel, qw_sel;
  std::vector<std::int8_t> fs_sel;
  for (std::size_t j = 0; j < w.rows; ++j) {
    for (int sign : {1, -1}) {
      std::vector<std::size_t> selected;
      for (std::size_t t = 0; t < k; ++t) {
        if (pass_sign[j * k + t] == sign) selected.push_back(t);
      }
      qw_sel.resize(selected.size());
      fs_sel.resize(selected.size());
      qa_sel.resize(selected.size());
      for (std::size_t s = 0; s < selected.size(); ++s) {
        qw_sel[s] = w.codes[j * k + selected[s]];
        fs_sel[s] = w.floor_signs[j * k + selected[s]];
      }
      for (std::size_t i = 0; i < a.rows; ++i) {
        for (std::size_t s = 0; s < selected.size(); ++s) qa_sel[s] = a.codes[i * k + selected[s]];
        const CodeSums sums = code_sums(qa_sel.data(), qw_sel.data(), fs_sel.data(), selected.size());
        const double y = combine_code_sums(sums, a.params, w.params);
        if (sign > 0) {
          out.positive[i * w.rows + j] = y;
        } else {
          out.negative[i * w.rows + j] = -y;
        }
      }
    }
  }
  return out;
}

Matrix optical_gemm(const Matrix& x, const Matrix& w, const std::vector<float>& bias,
                    const OpticalGemmSpec& spec, const CallKey& key) {
  if (!bias.empty() && bias.size() != w.rows) {
    std::ostringstream message;
    message << "optical gemm: bias has " << bias.size() << " values for " << w.rows << " outputs";
    throw InputError(message.str());
  }
  if (spec.input.lut_min != 0.0f || spec.output.adc.lut_min != 0.0f) {
    throw ConfigError("optical gemm: only the weight operand carries a lut_min floor");
  }
  if (key.call >= (1u << 29)) throw StateError("optical gemm: call counter exhausted (2^29 calls)");
  const OperandCodes a = quantize_operand(x, spec.input, "optical gemm activations");
  const OperandCodes b = quantize_operand(w, spec.weight, "optical gemm weights");
  Matrix out{x.rows, w.rows, std::vector<float>(x.rows * w.rows)};
  if (spec.split_signs) {
    if (spec.negative_output.adc.lut_min != 0.0f) {
      throw ConfigError("optical gemm: only the weight operand carries a lut_min floor");
    }
    const SplitProducts analog = analog_products_split(a, b);
    for (std::size_t i = 0; i < out.size(); ++i) {
      const float positive = adc_convert(analog.positive[i], i, spec.output, key, 0);
      const float negative = adc_convert(analog.negative[i], i, spec.negative_output, key, 1);
      const float difference = positive - negative;
      out.data[i] = bias.empty() ? difference : difference + bias[i % w.rows];
    }
    return out;
  }
  const std::vector<double> analog = analog_products(a, b);
  for (std::size_t i = 0; i < out.size(); ++i) {
    const float converted = adc_convert(analog[i], i, spec.output, key);
    out.data[i] = bias.empty() ? converted : converted + bias[i % w.rows];
  }
  return out;
}

Matrix float_gemm(const Matrix& x, const Matrix& w, const std::vector<float>& bias) {
  if (x.cols != w.cols) {
    std::ostringstream message;
    message << "float gemm: inner dimensions differ (" << x.rows << " x " << x.cols << " by "
            << w.rows << " x " << w.cols << ")";
    throw InputError(message.str());
  }
  if (!bias.empty() && bias.size() != w.rows) {
    throw InputError("float gemm: bias length does not match the number of outputs");
  }
  Matrix out{x.rows, w.rows, std::vector<float>(x.rows * w.rows)};
  for (std::size_t i = 0; i < x.rows; ++i) {
    for (std::size_t j = 0; j < w.rows; ++j) {
      double acc = 0.0;
      for (std::size_t k = 0; k < x.cols; ++k) {
        const double product = static_cast<double>(x.at(i, k)) * static_cast<double>(w.at(j, k));
        acc = acc + product;
      }
      const auto value = static_cast<float>(acc);
      out.at(i, j) = bias.empty() ? value : value + bias[j];
    }
  }
  return out;
}

}  // namespace tessera::optical
