#include "golden/ref/normalization.h"

#include <cmath>
#include <string>

#include "golden/common/error.h"

namespace tessera::ref {
namespace {

void require_epsilon(float epsilon, const char* op) {
  if (!(epsilon >= 0.0f) || std::isinf(epsilon)) {
    throw ConfigError(std::string(op) + ": epsilon must be finite and >= 0, got " +
                      std::to_string(epsilon));
  }
}

void require_shape(const Tensor& t, const Shape& expected, const char* op, const char* name) {
  if (t.shape() != expected) {
    throw InputError(std::string(op) + ": " + name + " must have shape " +
                     shape_to_string(expected) + ", got " + shape_to_string(t.shape()));
  }
}

}  // namespace

Tensor layer_norm(const Tensor& x, std::size_t normalized_rank, const Tensor* gamma,
                  const Tensor* beta, float epsilon) {
  require_epsilon(epsilon, "layer_norm");
  if (normalized_rank == 0 || normalized_rank > x.rank()) {
    throw ConfigError("layer_norm: normalized_rank must be between 1 and the rank of x (" +
                      std::to_string(x.rank()) + "), got " + std::to_string(normalized_rank));
  }
  const Shape normalized(x.shape().end() - static_cast<std::ptrdiff_t>(normalized_rank),
                         x.shape().end());
  if (gamma) require_shape(*gamma, normalized, "layer_norm", "gamma");
  if (beta) require_shape(*beta, normalized, "layer_norm", "beta");
  const std::size_t width = element_count(normalized);
  if (width == 0) {
    throw InputError("layer_norm: the normalised axes of x " + shape_to_string(x.shape()) +
                     " hold no elements");
  }
  const std::size_t rows = x.size() / width;

  Tensor y(x.shape());
  for (std::size_t r = 0; r < rows; ++r) {
    const float* in = x.data() + r * width;
    float* out = y.data() + r * width;
    double sum = 0.0;
    for (std::size_t i = 0; i < width; ++i) sum += in[i];
    const double mean = sum / static_cast<double>(width);
    double squares = 0.0;
    for (std::size_t i = 0; i < width; ++i) squares += (in[i] - mean) * (in[i] - mean);
    const double inv_std = 1.0 / std::sqrt(squares / static_cast<double>(width) + epsilon);
    for (std::size_t i = 0; i < width; ++i) {
      double v = (in[i] - mean) * inv_std;
      if (gamma) v *= gamma->data()[i];
      if (beta) v += beta->data()[i];
      out[i] = static_cast<float>(v);
    }
  }
  return y;
}

Tensor batch_norm(const Tensor& x, const Tensor& scale, const Tensor& bias, const Tensor& mean,
                  const Tensor& var, float epsilon) {
  require_epsilon(epsilon, "batch_norm");
  if (x.rank() < 2) {
    throw InputError("batch_norm: x must be [N, C, ...] (rank >= 2), got shape " +
                     shape_to_string(x.shape()));
  }
  const std::size_t channels = x.dim(1);
  const Shape per_channel{channels};
  require_shape(scale, per_channel, "batch_norm", "scale");
  require_shape(bias, per_channel, "batch_norm", "bias");
  require_shape(mean, per_channel, "batch_norm", "mean");
  require_shape(var, per_channel, "batch_norm", "var");
  std::size_t spatial = 1;
  for (std::size_t i = 2; i < x.rank(); ++i) spatial *= x.dim(i);

  Tensor y(x.shape());
  for (std::size_t n = 0; n < x.dim(0); ++n) {
    for (std::size_t c = 0; c < channels; ++c) {
      const double inv_std = 1.0 / std::sqrt(static_cast<double>(var.data()[c]) + epsilon);
      const double gain = scale.data()[c] * inv_std;
      const std::size_t base = (n * channels + c) * spatial;
      for (std::size_t i = 0; i < spatial; ++i) {
        y.data()[base + i] = static_cast<float>(
            (x.data()[base + i] - static_cast<double>(mean.data()[c])) * gain + bias.data()[c]);
      }
    }
  }
  return y;
}

}  // namespace tessera::ref
