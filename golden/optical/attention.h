#pragma once
// Single-head optical attention: the two matmuls of the peer's OtLlamaAttention as optical GEMMs
// (matmul.h), with its defects fixed.
//
//   S   = optical_gemm(Q, K)          Q: S x d activations, K: T x d as the "weight" (lut_min)
//   L   = S * scale                   float32 multiply, scale = float32(1 / sqrt(double(d)))
//   A   = softmax(L + causal mask)    per row (see softmax_rows)
//   out = optical_gemm(A, V^T)        A: S x T activations over the fixed range [0, 1],
//                                     V^T: dv x T as the "weight" (lut_min)
//
// Fixes:
//  * QK^T scale: the QK^T output range is tracked on the UNSCALED Q.K^T (float_gemm), the very
//    quantity the ADC converts, and 1/sqrt(d) is applied after the ADC. (The peer tracked
//    range(scale * QK^T) but clamped the unscaled QK^T to it: 8x too narrow for d = 64.)
//  * Statistics of Q, K, QK^T, V and A.V (float_gemm of the float softmax probabilities and V)
//    update only while calibrating, every calibration step (the peer updated in eval mode too and
//    never updated QK^T after its first value).
//  * The probability range is the fixed [0, 1] (the peer's docstring; its code EMA-updated it).
//  * The two matmuls draw from different streams (qk_unit, av_unit) and every call advances
//    (the peer gave QK^T and A.V the same seed).
//  * sign_handling "split" is rejected (ConfigError): not modelled for attention yet.
#include <cstdint>
#include <string>

#include "golden/optical/config.h"
#include "golden/optical/matmul.h"
#include "golden/optical/matrix.h"
#include "golden/optical/stats.h"

namespace tessera::optical {

// Row-wise softmax in place: for each row, mx = max (float), e_k = exp(double(l_k) - double(mx))
// (std::exp in double), sum in double in ascending k, p_k = float32(e_k / sum). -inf entries give 0.
// Electronic, not optical; to be replaced by golden/ref's softmax when that exists.
// Row-wise softmax of a matrix of logits: golden/ref's softmax, so that the optical path and the
// FP32 reference share one definition.
void softmax_rows(Matrix& logits);

class OpticalAttention {
 public:
  OpticalAttention(std::string name, std::uint32_t qk_unit, std::uint32_t av_unit,
                   OpticalConfig config);

  void set_calibrating(bool on);
  bool calibrating() const { return calibrating_; }
  // q: S x d, k: T x d, v: T x dv; causal masks key t > query s + (T - S). Returns S x dv.
  // In calibration mode the ranges are observed first (as the linear layer does).
  Matrix forward(const Matrix& q, const Matrix& k, const Matrix& v, bool causal);
  // The float attention with the same softmax, for comparisons and for bypass.
  static Matrix float_attention(const Matrix& q, const Matrix& k, const Matrix& v, bool causal);

  std::uint32_t calls() const { return calls_; }
  RunningRange& query_range() { return query_range_; }
  RunningRange& key_range() { return key_range_; }
  RunningRange& qk_range() { return qk_range_; }   // of the UNSCALED Q.K^T
  RunningRange& value_range() { return value_range_; }
  RunningRange& av_range() { return av_range_; }

 private:
  void observe(const Matrix& q, const Matrix& k, const Matrix& v, bool causal);

  std::string name_;
  std::uint32_t qk_unit_;
  std::uint32_t av_unit_;
  OpticalConfig config_;
  RunningRange query_range_, key_range_, qk_range_, value_range_, av_range_;
  bool calibrating_ = false;
  std::uint32_t calls_ = 0;
};

}  // namespace tessera::optical
