#include "golden/ref/attention.h"

#include <cmath>
#include <string>

#include "golden/common/error.h"
#include "golden/ref/gemm.h"
#include "golden/ref/softmax.h"

namespace tessera::ref {
namespace {

void require_rank4(const Tensor& t, const char* op, const char* name, const char* layout) {
  if (t.rank() != 4) {
    throw InputError(std::string(op) + ": " + name + " must be " + layout + " (rank 4), got shape " +
                     shape_to_string(t.shape()));
  }
}

void require_same_batch_heads(const Tensor& a, const Tensor& b, const char* op, const char* name_a,
                              const char* name_b) {
  if (a.dim(0) != b.dim(0) || a.dim(1) != b.dim(1)) {
    throw InputError(std::string(op) + ": " + name_b + " shape " + shape_to_string(b.shape()) +
                     " must have the batch and heads of " + name_a + " shape " +
                     shape_to_string(a.shape()));
  }
}

// The last two axes swapped; K is small next to the scores, so a copy keeps the products plain.
Tensor transpose_last_two(const Tensor& t) {
  const std::size_t rows = t.dim(2), cols = t.dim(3);
  Tensor result({t.dim(0), t.dim(1), cols, rows});
  const std::size_t matrices = t.dim(0) * t.dim(1);
  for (std::size_t m = 0; m < matrices; ++m) {
    const float* src = t.data() + m * rows * cols;
    float* dst = result.data() + m * rows * cols;
    for (std::size_t r = 0; r < rows; ++r)
      for (std::size_t c = 0; c < cols; ++c) dst[c * rows + r] = src[r * cols + c];
  }
  return result;
}

}  // namespace

Tensor attention_scores(const Tensor& q, const Tensor& k, float scale) {
  require_rank4(q, "attention_scores", "q", "[B, H, Sq, D]");
  require_rank4(k, "attention_scores", "k", "[B, H, Sk, D]");
  require_same_batch_heads(q, k, "attention_scores", "q", "k");
  if (q.dim(3) != k.dim(3)) {
    throw InputError("attention_scores: k shape " + shape_to_string(k.shape()) +
                     " must have the head_dim of q shape " + shape_to_string(q.shape()) + " (" +
                     std::to_string(q.dim(3)) + "), got " + std::to_string(k.dim(3)));
  }
  if (!std::isfinite(scale)) {
    throw ConfigError("attention_scores: scale must be finite, got " + std::to_string(scale));
  }
  Tensor scores = matmul(q, transpose_last_two(k));
  for (std::size_t i = 0; i < scores.size(); ++i) scores.data()[i] *= scale;
  return scores;
}

Tensor attention_output(const Tensor& probabilities, const Tensor& v) {
  require_rank4(probabilities, "attention_output", "probabilities", "[B, H, Sq, Sk]");
  require_rank4(v, "attention_output", "v", "[B, H, Sk, Dv]");
  require_same_batch_heads(probabilities, v, "attention_output", "probabilities", "v");
  if (probabilities.dim(3) != v.dim(2)) {
    throw InputError("attention_output: v shape " + shape_to_string(v.shape()) +
                     " must have the key length of probabilities shape " +
                     shape_to_string(probabilities.shape()) + " (" +
                     std::to_string(probabilities.dim(3)) + "), got " + std::to_string(v.dim(2)));
  }
  return matmul(probabilities, v);
}

float default_attention_scale(const Tensor& q) {
  require_rank4(q, "attention", "q", "[B, H, Sq, D]");
  if (q.dim(3) == 0) {
    throw InputError("attention: q shape " + shape_to_string(q.shape()) + " has head_dim 0");
  }
  return static_cast<float>(1.0 / std::sqrt(static_cast<double>(q.dim(3))));
}

Tensor attention(const Tensor& q, const Tensor& k, const Tensor& v, const Tensor* mask,
                 std::optional<float> scale) {
  require_rank4(v, "attention", "v", "[B, H, Sk, Dv]");
  // Checked before any work so a wrong V is reported as such, not as a later product's error.
  if (k.rank() == 4 && (v.dim(0) != k.dim(0) || v.dim(1) != k.dim(1) || v.dim(2) != k.dim(2))) {
    throw InputError("attention: v shape " + shape_to_string(v.shape()) +
                     " must have the batch, heads and key length of k shape " +
                     shape_to_string(k.shape()));
  }
  Tensor scores = attention_scores(q, k, scale ? *scale : default_attention_scale(q));
  if (mask) {
    const Tensor full = broadcast_to(*mask, scores.shape(), "attention: mask");
    for (std::size_t i = 0; i < scores.size(); ++i) scores.data()[i] += full.data()[i];
  }
  return attention_output(softmax(scores, -1), v);
}

}  // namespace tessera::ref
